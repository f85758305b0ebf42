"""Back-ends of the sBMS: exact NumPy search, FAISS indexes, and an in-memory template store.

Import the module you need (`exact`, `faiss_index`, `memory`): `faiss_index` loads
faiss, which a deployment without large galleries does not need.
"""

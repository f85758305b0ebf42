"""The CIR's IdentityRepository: one suite for the memory, SQLite and PostgreSQL adapters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from limes.core.errors import BackendUnavailable, Conflict, NotFound
from limes.core.identity import Name, PartialDate
from limes.db.engine import make_engine
from limes.db.unit_of_work import SqlUnitOfWork
from limes.interop.cir.adapters.memory import MemoryIdentityRepository
from limes.interop.cir.adapters.sql import SqlIdentityRepository
from limes.interop.cir.adapters.sql_tables import (
    biometric_templates,
    identity_files,
    travel_documents,
)
from limes.interop.cir.models import (
    BiometricTemplate,
    ChangeKind,
    IdentityData,
    IdentityFile,
    Modality,
    SourceSystem,
    TravelDocument,
)
from limes.interop.cir.ports import IdentityRepository

BORN = PartialDate(1987, 4, 30)
CREATED = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)
LATER = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


class Store:
    """A backend under test: `transaction()` yields a repository in a unit of work."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine
        self._memory = MemoryIdentityRepository()

    def transaction(self) -> AbstractContextManager[IdentityRepository]:
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[IdentityRepository]:
        if self.engine is None:
            yield self._memory
            return
        with SqlUnitOfWork(self.engine) as uow:
            yield SqlIdentityRepository(uow.connection)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield Store()
        return
    engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    try:
        yield Store(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    sql_engine = make_engine(request.getfixturevalue(f"{request.param}_database_url"))
    try:
        yield sql_engine
    finally:
        sql_engine.dispose()


def identity(
    surname: str = "Шевченко",
    given_names: str | None = "Ολυμπία Μαρία",
    date_of_birth: PartialDate | None = BORN,
    nationalities: tuple[str, ...] = ("UKR", "GRC", "XXA"),
    sex: str | None = "F",
) -> IdentityData:
    return IdentityData(
        surname=Name.of(surname),
        given_names=Name.of(given_names) if given_names is not None else None,
        date_of_birth=date_of_birth,
        sex=sex,
        nationalities=nationalities,
    )


PASSPORT = TravelDocument("P", "AB1234567", "UKR", date(2031, 5, 31))
ID_CARD = TravelDocument("I", "GR9876543", "GRC", None)


def identity_file(
    cir_id: str = "cir-1",
    system: SourceSystem = SourceSystem.EES,
    documents: tuple[TravelDocument, ...] = (PASSPORT, ID_CARD),
    data: IdentityData | None = None,
) -> IdentityFile:
    return IdentityFile(
        cir_id=cir_id,
        system=system,
        source_reference=f"{system}-traveller-{cir_id}",
        identity=data or identity(),
        documents=documents,
        created_at=CREATED,
        updated_at=CREATED,
    )


def template(modality: Modality, fill: int = 1, quality: int = 80) -> BiometricTemplate:
    return BiometricTemplate(modality, bytes([fill]) * 2048, quality, synthetic=True)


FACE = template(Modality.FACE)
INDEX = template(Modality.RIGHT_INDEX, fill=2, quality=55)


def add(store: Store, *files: IdentityFile, templates: tuple[BiometricTemplate, ...] = ()) -> None:
    with store.transaction() as repository:
        for item in files:
            repository.add(item, templates)


# --- add and get -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "date_of_birth",
    [PartialDate(1987), PartialDate(1987, 4), PartialDate(1987, 4, 30), None],
    ids=["year", "year-month", "full", "unknown"],
)
def test_a_file_comes_back_exactly_as_stored(
    store: Store, date_of_birth: PartialDate | None
) -> None:
    stored = identity_file(data=identity(date_of_birth=date_of_birth))
    add(store, stored, templates=(FACE, INDEX))
    with store.transaction() as repository:
        found = repository.get("cir-1")
    assert found == stored
    assert found is not None
    assert found.identity.surname.original == "Шевченко"
    assert found.identity.surname.mrz == "SHEVCHENKO"
    assert found.identity.given_names is not None
    assert found.identity.given_names.original == "Ολυμπία Μαρία"
    assert found.identity.date_of_birth == date_of_birth
    if date_of_birth is not None:
        assert found.identity.date_of_birth is not None
        assert found.identity.date_of_birth.precision is date_of_birth.precision
    assert found.identity.nationalities == ("UKR", "GRC", "XXA")
    assert found.documents == (PASSPORT, ID_CARD)
    assert found.created_at.tzinfo is UTC
    assert found.created_at.microsecond == 123456


def test_optional_parts_may_be_missing(store: Store) -> None:
    bare = identity(given_names=None, date_of_birth=None, nationalities=(), sex=None)
    stored = identity_file(documents=(), data=bare)
    add(store, stored)
    with store.transaction() as repository:
        assert repository.get("cir-1") == stored
        assert repository.templates("cir-1") == []


def test_instants_come_back_in_utc_whatever_zone_they_were_given_in(store: Store) -> None:
    athens = timezone(timedelta(hours=2))
    stored = replace(identity_file(), created_at=CREATED.astimezone(athens))
    add(store, stored)
    with store.transaction() as repository:
        found = repository.get("cir-1")
    assert found is not None
    assert found.created_at == CREATED
    assert found.created_at.tzinfo is UTC
    assert found.created_at.hour == 9


def test_naive_instants_are_refused(store: Store) -> None:
    naive = replace(identity_file(), created_at=CREATED.replace(tzinfo=None))
    with pytest.raises(ValueError, match="timezone-aware"), store.transaction() as repository:
        repository.add(naive, ())


def test_an_unknown_file_is_none(store: Store) -> None:
    with store.transaction() as repository:
        assert repository.get("nobody") is None


def test_a_file_id_is_stored_once(store: Store) -> None:
    add(store, identity_file())
    other = identity_file(documents=(TravelDocument("P", "ZZ0000001", "DEU"),))
    with pytest.raises(Conflict), store.transaction() as repository:
        repository.add(other, ())


# --- find_by_document ------------------------------------------------------------------


def test_a_file_is_found_by_any_of_its_documents(store: Store) -> None:
    stored = identity_file()
    add(store, stored, identity_file("cir-2", documents=(TravelDocument("P", "X1", "DEU"),)))
    with store.transaction() as repository:
        assert repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR") == stored
        assert repository.find_by_document(SourceSystem.EES, "GR9876543", "GRC") == stored


@pytest.mark.parametrize(
    ("system", "number", "issuing_state"),
    [
        (SourceSystem.EES, "AB1234568", "UKR"),
        (SourceSystem.EES, "AB1234567", "POL"),
        (SourceSystem.VIS, "AB1234567", "UKR"),
    ],
    ids=["other-number", "other-state", "other-system"],
)
def test_a_document_not_held_finds_nothing(
    store: Store, system: SourceSystem, number: str, issuing_state: str
) -> None:
    add(store, identity_file())
    with store.transaction() as repository:
        assert repository.find_by_document(system, number, issuing_state) is None


def test_a_document_belongs_to_one_file_per_system(store: Store) -> None:
    add(store, identity_file())
    clash = identity_file("cir-2", documents=(TravelDocument("P", "AB1234567", "UKR"),))
    with pytest.raises(Conflict), store.transaction() as repository:
        repository.add(clash, ())
    with store.transaction() as repository:
        assert repository.get("cir-2") is None


def test_a_document_given_twice_in_one_file_is_a_conflict(store: Store) -> None:
    with pytest.raises(Conflict), store.transaction() as repository:
        repository.add(identity_file(documents=(PASSPORT, PASSPORT)), ())


def test_the_same_document_may_be_in_a_file_of_each_system(store: Store) -> None:
    ees = identity_file("cir-ees", SourceSystem.EES)
    vis = identity_file("cir-vis", SourceSystem.VIS)
    etias = identity_file("cir-etias", SourceSystem.ETIAS)
    add(store, ees, vis, etias)
    with store.transaction() as repository:
        assert repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR") == ees
        assert repository.find_by_document(SourceSystem.VIS, "AB1234567", "UKR") == vis
        assert repository.find_by_document(SourceSystem.ETIAS, "AB1234567", "UKR") == etias


# --- templates -------------------------------------------------------------------------


def test_templates_are_read_all_or_by_modality(store: Store) -> None:
    middle = template(Modality.RIGHT_MIDDLE, fill=3)
    add(store, identity_file(), templates=(middle, INDEX, FACE))
    with store.transaction() as repository:
        assert repository.templates("cir-1") == [FACE, INDEX, middle]
        assert repository.templates("cir-1", [Modality.RIGHT_INDEX]) == [INDEX]
        assert repository.templates("cir-1", [Modality.RIGHT_MIDDLE, Modality.FACE]) == [
            FACE,
            middle,
        ]
        assert repository.templates("cir-1", [Modality.LEFT_INDEX]) == []
        assert repository.templates("cir-1", []) == []
        assert repository.templates("nobody") == []


def test_put_templates_adds_and_replaces_by_modality(store: Store) -> None:
    add(store, identity_file(), templates=(FACE, INDEX))
    better_face = template(Modality.FACE, fill=9, quality=97)
    ring = template(Modality.RIGHT_RING, fill=4)
    with store.transaction() as repository:
        repository.put_templates("cir-1", [better_face, ring], LATER)
    with store.transaction() as repository:
        assert repository.templates("cir-1") == [better_face, INDEX, ring]
        assert repository.templates("cir-1", [Modality.FACE])[0].vector == bytes([9]) * 2048


def test_put_templates_of_an_unknown_file_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound), store.transaction() as repository:
        repository.put_templates("nobody", [FACE], LATER)


def test_two_templates_of_one_modality_are_a_conflict(store: Store) -> None:
    add(store, identity_file())
    with pytest.raises(Conflict), store.transaction() as repository:
        repository.put_templates("cir-1", [FACE, template(Modality.FACE, fill=5)], LATER)


# --- update ----------------------------------------------------------------------------


def test_update_replaces_identity_and_documents(store: Store) -> None:
    add(store, identity_file(), templates=(FACE,))
    renamed = identity(surname="Παπαδοπούλου", nationalities=("GRC",))
    new_passport = TravelDocument("P", "EK0000001", "GRC", date(2035, 1, 1))
    with store.transaction() as repository:
        repository.update("cir-1", renamed, [new_passport, ID_CARD], LATER)
    with store.transaction() as repository:
        found = repository.get("cir-1")
        assert found is not None
        assert found.identity == renamed
        assert found.documents == (new_passport, ID_CARD)
        assert found.created_at == CREATED
        assert found.updated_at == LATER
        assert found.system is SourceSystem.EES
        assert repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR") is None
        assert repository.find_by_document(SourceSystem.EES, "EK0000001", "GRC") == found
        assert repository.templates("cir-1") == [FACE]


def test_the_member_state_that_last_wrote_a_file_is_kept(store: Store) -> None:
    """2019/817 Art 29(1): the state creating or updating the data verifies its links."""
    add(store, replace(identity_file(), member_state="FRA"))
    with store.transaction() as repository:
        repository.update("cir-1", identity(surname="Kovalenka"), [PASSPORT], LATER)
    with store.transaction() as repository:
        found = repository.get("cir-1")
        assert found is not None
        assert found.member_state == "FRA"
        repository.put_templates("cir-1", [FACE], LATER, "DEU")
    with store.transaction() as repository:
        found = repository.get("cir-1")
        assert found is not None
        assert found.member_state == "DEU"
        repository.update("cir-1", identity(), [PASSPORT], LATER, "HRV")
    with store.transaction() as repository:
        found = repository.get("cir-1")
        assert found is not None
        assert found.member_state == "HRV"
        assert found.identity == identity()
    add(store, identity_file("cir-2", documents=()))
    with store.transaction() as repository:
        unnamed = repository.get("cir-2")
        assert unnamed is not None
        assert unnamed.member_state is None


def test_update_of_an_unknown_file_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound), store.transaction() as repository:
        repository.update("nobody", identity(), [], LATER)


def test_update_cannot_take_another_files_document(store: Store) -> None:
    add(
        store,
        identity_file(),
        identity_file("cir-2", documents=(TravelDocument("P", "X1", "DEU"),)),
    )
    with pytest.raises(Conflict), store.transaction() as repository:
        repository.update("cir-2", identity(), [PASSPORT], LATER)
    with store.transaction() as repository:
        found = repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR")
        assert found is not None
        assert found.cir_id == "cir-1"


# --- erase -----------------------------------------------------------------------------


def test_erase_removes_the_file_its_documents_and_templates(store: Store) -> None:
    add(store, identity_file(), templates=(FACE, INDEX))
    with store.transaction() as repository:
        assert repository.erase("cir-1", LATER) is True
    with store.transaction() as repository:
        assert repository.get("cir-1") is None
        assert repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR") is None
        assert repository.templates("cir-1") == []
        assert repository.erase("cir-1", LATER) is False
        repository.add(identity_file("cir-new"), ())  # its documents are free again


def test_erase_of_an_unknown_file_is_false(store: Store) -> None:
    with store.transaction() as repository:
        assert repository.erase("nobody", LATER) is False


def test_erase_cascades_to_the_child_rows(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        SqlIdentityRepository(uow.connection).add(identity_file(), (FACE, INDEX))
    with SqlUnitOfWork(engine) as uow:
        assert SqlIdentityRepository(uow.connection).erase("cir-1", LATER)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        for table in (identity_files, travel_documents, biometric_templates):
            assert uow.connection.execute(select(func.count()).select_from(table)).scalar() == 0


# --- the change log (Art 27(1): what launches multiple-identity detection) -------------


def test_every_write_is_logged_in_order_with_its_kind(store: Store) -> None:
    add(store, identity_file())
    add(store, identity_file("cir-2", SourceSystem.VIS))
    with store.transaction() as repository:
        repository.update("cir-1", identity(surname="Shevchenko"), [PASSPORT], LATER)
        repository.put_templates("cir-2", [FACE], LATER)
        repository.erase("cir-2", LATER)
    with store.transaction() as repository:
        changes = repository.changes_after(0, 10)
        assert repository.last_change() == changes[-1].seq
    assert [(c.cir_id, c.system, c.kind) for c in changes] == [
        ("cir-1", SourceSystem.EES, ChangeKind.WRITTEN),
        ("cir-2", SourceSystem.VIS, ChangeKind.WRITTEN),
        ("cir-1", SourceSystem.EES, ChangeKind.WRITTEN),
        ("cir-2", SourceSystem.VIS, ChangeKind.WRITTEN),
        ("cir-2", SourceSystem.VIS, ChangeKind.ERASED),
    ]
    assert [c.changed_at for c in changes] == [CREATED, CREATED, LATER, LATER, LATER]
    seqs = [c.seq for c in changes]
    assert seqs == sorted(set(seqs))


def test_changes_after_pages_through_the_log(store: Store) -> None:
    for number in range(5):
        add(store, identity_file(f"cir-{number}", documents=()))
    with store.transaction() as repository:
        first = repository.changes_after(0, 2)
        rest = repository.changes_after(first[-1].seq, 10)
        assert repository.changes_after(rest[-1].seq, 10) == []
    assert [c.cir_id for c in first + rest] == [f"cir-{n}" for n in range(5)]


def test_a_rolled_back_write_leaves_no_change(engine: Engine) -> None:
    def add_then_fail() -> None:
        with SqlUnitOfWork(engine) as uow:
            SqlIdentityRepository(uow.connection).add(identity_file(), ())
            raise Boom

    with pytest.raises(Boom):
        add_then_fail()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        repository = SqlIdentityRepository(uow.connection)
        assert repository.changes_after(0, 10) == []
        assert repository.last_change() == 0


def test_erasing_nothing_and_putting_no_template_log_nothing(store: Store) -> None:
    add(store, identity_file())
    with store.transaction() as repository:
        assert repository.erase("nobody", LATER) is False
        repository.put_templates("cir-1", [], LATER)
        assert [c.cir_id for c in repository.changes_after(0, 10)] == ["cir-1"]


# --- units of work ---------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_rolled_back_unit_of_work_leaves_nothing(engine: Engine) -> None:
    def add_then_fail() -> None:
        with SqlUnitOfWork(engine) as uow:
            repository = SqlIdentityRepository(uow.connection)
            repository.add(identity_file(), (FACE,))
            assert repository.get("cir-1") is not None
            raise Boom

    with pytest.raises(Boom):
        add_then_fail()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        repository = SqlIdentityRepository(uow.connection)
        assert repository.get("cir-1") is None
        assert repository.find_by_document(SourceSystem.EES, "AB1234567", "UKR") is None
        assert repository.templates("cir-1") == []


def test_a_conflict_rolls_back_the_whole_unit_of_work(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        SqlIdentityRepository(uow.connection).add(identity_file(), ())

    def add_two_then_clash() -> None:
        with SqlUnitOfWork(engine) as uow:
            repository = SqlIdentityRepository(uow.connection)
            repository.add(identity_file("cir-2", documents=()), ())
            repository.add(identity_file("cir-3", documents=(PASSPORT,)), ())

    with pytest.raises(Conflict):
        add_two_then_clash()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert SqlIdentityRepository(uow.connection).get("cir-2") is None


def test_integrity_errors_become_conflicts_at_the_unit_of_works_edge(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        SqlIdentityRepository(uow.connection).add(identity_file(documents=()), ())
    duplicate = text(
        "INSERT INTO cir_biometric_templates (cir_id, modality, vector, quality, synthetic)"
        " VALUES ('cir-1', 'face', :v, 1, :s)"
    )

    def insert_twice() -> None:
        with SqlUnitOfWork(engine) as uow:
            uow.connection.execute(duplicate, {"v": b"x", "s": True})
            uow.connection.execute(duplicate, {"v": b"x", "s": True})

    with pytest.raises(Conflict) as caught:
        insert_twice()
    assert isinstance(caught.value.__cause__, IntegrityError)


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    orphan = text(
        "INSERT INTO cir_biometric_templates (cir_id, modality, vector, quality, synthetic)"
        " VALUES ('nobody', 'face', :v, 1, :s)"
    )
    with pytest.raises(Conflict), SqlUnitOfWork(engine) as uow:
        uow.connection.execute(orphan, {"v": b"x", "s": True})


def test_an_unreachable_database_is_backend_unavailable() -> None:
    engine = make_engine("postgresql+psycopg://limes:secret@127.0.0.1:1/limes")
    try:
        with pytest.raises(BackendUnavailable, match="cannot be reached") as caught:
            SqlUnitOfWork(engine).__enter__()
        assert "secret" not in str(caught.value)
    finally:
        engine.dispose()


def test_a_unit_of_work_is_used_in_a_with_block(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine)
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.connection
    with uow, pytest.raises(RuntimeError, match="already open"):
        uow.__enter__()


# --- the search by identity data (EES Art 23(2), 27) ------------------------------------


def test_files_are_found_by_identity_data_in_one_system_only(store: Store) -> None:
    """EES Art 23(2), 27: a new passport's identity data find the file, in its system only."""
    add(store, identity_file())
    add(store, identity_file("vis-1", SourceSystem.VIS, documents=(ID_CARD,)))
    # Another person: no name token shared with a date of birth.
    add(
        store,
        identity_file(
            "cir-2", documents=(), data=identity(surname="Kovalenko", given_names="Petro")
        ),
    )
    with store.transaction() as repository:
        # Another passport, the same person: the keys are of names and date of birth.
        found = repository.files_by_identity(SourceSystem.EES, identity(), 20)
        assert [f.cir_id for f in found] == ["cir-1"]
        assert found[0].documents == (PASSPORT, ID_CARD)
        assert [
            f.cir_id for f in repository.files_by_identity(SourceSystem.VIS, identity(), 20)
        ] == ["vis-1"]
        other_day = identity(date_of_birth=PartialDate(1987, 5, 1))
        assert repository.files_by_identity(SourceSystem.EES, other_day, 20) == []
        assert len(repository.files_by_identity(SourceSystem.EES, identity(), 0)) == 0


def test_identity_keys_follow_updates_and_erasures(store: Store) -> None:
    add(store, identity_file())
    renamed = identity(surname="Kovalenka", given_names="Olena")
    with store.transaction() as repository:
        repository.update("cir-1", renamed, [PASSPORT], LATER)
    with store.transaction() as repository:
        assert repository.files_by_identity(SourceSystem.EES, identity(), 20) == []
        assert [f.cir_id for f in repository.files_by_identity(SourceSystem.EES, renamed, 20)] == [
            "cir-1"
        ]
        assert repository.erase("cir-1", LATER)
    with store.transaction() as repository:
        assert repository.files_by_identity(SourceSystem.EES, renamed, 20) == []

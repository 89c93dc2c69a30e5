"""Holding a business's lock from another transaction, for the tests of what waits on it and gives up busy.

With `sqlite_busy_timeout` (tests/conftest.py) SQLite gives up as soon as PostgreSQL's lock_timeout would.
"""

import threading

from django.db import connection, transaction

from bookingsite.businesses.locking import lock_business_for_write

HOLD_LIMIT = 30  # seconds the holder keeps the lock at most; only reached if the test fails


class HeldTransaction:
    """Another transaction that takes a lock (`take`) and keeps it until released."""

    def __init__(self):
        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def take(self) -> None:
        raise NotImplementedError

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                self.take()
                self.held.set()
                self.release.wait(HOLD_LIMIT)
        finally:
            connection.close()

    def __enter__(self) -> "HeldTransaction":
        self.thread.start()
        assert self.held.wait(HOLD_LIMIT), "the holder never got the lock"
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(HOLD_LIMIT)


class LockHolder(HeldTransaction):
    """Another transaction that takes the business's lock and keeps it until released."""

    def __init__(self, business_profile_id: int):
        super().__init__()
        self.business_profile_id = business_profile_id

    def take(self) -> None:
        lock_business_for_write(self.business_profile_id)


class TableLockHolder(HeldTransaction):
    """Another transaction that holds what a migration would: on PostgreSQL an ACCESS EXCLUSIVE lock
    on the model's table, which even plain reads wait for; on SQLite the database's write lock,
    which readers (WAL) never wait for."""

    def __init__(self, model):
        super().__init__()
        self.table = model._meta.db_table

    def take(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'LOCK TABLE "{self.table}" IN ACCESS EXCLUSIVE MODE')
            else:
                cursor.execute(f'UPDATE "{self.table}" SET id = id WHERE 0')  # BEGIN IMMEDIATE holds the lock from here

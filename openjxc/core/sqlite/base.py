"""Django's SQLite backend with two changes for a server of several threaded processes.

- Transactions queue in the operating system, not in SQLite's busy handler. Every transaction
  (`atomic`) starts with BEGIN IMMEDIATE (settings), so writers wait for one another; SQLite
  makes a waiting connection sleep 1, 2, 5, … up to 100 ms between tries, so under load the
  write lock sat idle while every writer slept. A transaction now first takes a lock shared by
  the threads of its process (woken at once on release) and then an advisory lock on a file next
  to the database, shared by the processes (`jxc serve`'s workers, `jxc worker`, the command
  line), retried every millisecond at most; it is given back at COMMIT, ROLLBACK or close. One
  that cannot have it within the connection's timeout fails as SQLite would: "database is
  locked". Writes outside a transaction (autocommit) and other programs do not take it: SQLite's
  own lock still orders them. Neither lock is fair: a process that writes without pause can
  make another wait until its timeout.
- Django turns each statement's `%s` placeholders into `?` with a regular expression on every
  execution; the same few hundred statements run again and again, so the result is kept.
"""

import fcntl
import functools
import os
import threading
import time

from django.db.backends.sqlite3 import base

Database = base.Database
# the longest sleep between two tries of a lock another process holds
POLL_MAX_S = 0.001


# statements longer than this (a long IN list, a many-row INSERT) vary with their data: not kept
CACHED_MAX_CHARS = 2000


def _convert(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


_cached = functools.lru_cache(maxsize=1024)(_convert)


def qmark(query: str) -> str:
    return _cached(query) if len(query) <= CACHED_MAX_CHARS else _convert(query)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class WriterLock:
    """One writer at a time over the threads of this process and the processes of the machine.
    A process opens the lock file itself: a descriptor inherited over fork() would share its
    lock with the parent's."""

    def __init__(self, path: str):
        self.path, self.mutex, self.fd = path, threading.Lock(), None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.mutex.acquire(timeout=timeout):
            raise Database.OperationalError("database is locked")
        try:
            if self.fd is None:
                try:  # readable and writable by whoever may write the database (umask applies)
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
                except OSError as exc:
                    raise Database.OperationalError(f"cannot open {self.path}: {exc}") from exc
            delay = 0.0001
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise Database.OperationalError("database is locked") from None
                    time.sleep(delay)
                    delay = min(delay * 2, POLL_MAX_S)
        except BaseException:
            self.mutex.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.mutex.release()


_locks: dict[tuple[int, str], WriterLock] = {}
_locks_guard = threading.Lock()


def writer_lock(database: str) -> WriterLock:
    """This process's lock for the database file `database`."""
    key = (os.getpid(), os.path.realpath(database))
    with _locks_guard:
        found = _locks.get(key)
        if found is None:
            found = _locks[key] = WriterLock(key[1] + ".writer-lock")
        return found


class DatabaseWrapper(base.DatabaseWrapper):
    writer = None  # the WriterLock this connection holds, between BEGIN and COMMIT / ROLLBACK

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE") or self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()
        lock = writer_lock(self.settings_dict["NAME"])
        with self.wrap_database_errors:  # as Django's own: django.db.utils.OperationalError
            lock.acquire(float(self.settings_dict["OPTIONS"].get("timeout", 5)))
        self.writer = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        lock, self.writer = self.writer, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer()

"""gunicorn's threaded worker, changed so that a connection that says nothing never takes a thread.

Stock gthread hands each new connection to a thread, which waits up to 5 s for the request:
phones on slow links and browsers' speculative connections that connect and send nothing hold
one thread each, and every other request queues behind them (recipes.md: 50 idle connections
stalled the site for 30 s with sync workers, and half the requests still timed out with gthread
2 × 4). Here a new connection waits in the worker's poller, costing a file descriptor, until its
first bytes arrive; only then does a thread read and answer it. Kept-alive connections already
wait that way in gthread.

A worker also dies with its master (PR_SET_PDEATHSIG): a master killed outright leaves no worker
holding the listening socket or a database connection.
"""

from __future__ import annotations

import errno
import selectors
import signal
import time
from functools import partial

from gunicorn.workers import gthread

from anju.core.supervisor import die_with_parent

# How long a new connection may stay silent before it is closed (it costs no thread meanwhile).
FIRST_REQUEST_SECONDS = 30.0


class ThreadWorker(gthread.ThreadWorker):
    def init_process(self) -> None:
        die_with_parent(signal.SIGKILL, parent=self.ppid)
        super().init_process()

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client, address, listener.getsockname())  # non-blocking until read
        # Every pending connection gets the same delay, so the deque stays in expiry order for murder_pending().
        conn.timeout = time.monotonic() + FIRST_REQUEST_SECONDS
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

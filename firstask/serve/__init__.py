"""The desk in a browser for the hall's window PCs on its LAN (`firstask serve`): one desk process per browser tab
of an enrolled window, on the centre's database file, every asset served from here, TLS when it leaves this machine.

- `hall_server`: the pages, enrolment, the gate (windows, origin, caps) and the websocket to each desk;
- `desk_process`: a tab's desk, started directly with its window's number;
- `certificates`: a certificate for the host (`--make-cert`) and the server's TLS context;
- `pages`: the HTML it sends the windows;
- `rating_pages` (with `pad.js`): the window's rating pad (评价器) and the page a slip's QR code opens on a phone.
"""

from __future__ import annotations

from firstask.serve.desk_process import desk_argv
from firstask.serve.hall_server import COOKIE, HallServer, check_public_url, loopback

LOCAL_ONLY = "127.0.0.1"

__all__ = ["COOKIE", "LOCAL_ONLY", "HallServer", "check_public_url", "desk_argv", "loopback"]

"""A Parley webhook receiver in Python, with nothing but the standard library.

    PARLEY_WEBHOOK_SECRET=... PORT=3000 python3 receiver.py

Every notice is checked before its JSON is read: the hex HMAC-SHA256 of the raw body bytes,
keyed with the webhook's signing secret, must equal the Agora-Signature-V2 header. A notice that
fails is answered 401 and ignored. Deliveries come at least once, so a notice already seen (same
noticeId) is answered 200 again and not handled twice.
"""

import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Notices are small; refuse anything far larger rather than read it.
MAX_BODY_BYTES = 1024 * 1024


def is_signed_by_parley(raw_body: bytes, signature_hex: str, secret: str) -> bool:
    """True when signature_hex is the HMAC-SHA256 of raw_body with the secret (constant-time compare)."""
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, (signature_hex or "").lower())


def handle(notice: dict) -> None:
    # Your work goes here: eventType 101/102 channel created/destroyed, 103-108 joins and leaves...
    print(f"accepted {notice['noticeId']} productId={notice['productId']} eventType={notice['eventType']}", flush=True)


class Receiver(BaseHTTPRequestHandler):
    secret = ""
    # In a real app this is a table with a unique key on noticeId.
    handled: set = set()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self.answer(413, {"error": "too large"})
        raw_body = self.rfile.read(length)
        if not is_signed_by_parley(raw_body, self.headers.get("Agora-Signature-V2", ""), self.secret):
            print("rejected a notice with a wrong signature", flush=True)
            return self.answer(401, {"error": "bad signature"})
        notice = json.loads(raw_body)
        if notice["noticeId"] in self.handled:
            print(f"duplicate {notice['noticeId']}", flush=True)
        else:
            self.handled.add(notice["noticeId"])
            handle(notice)
        # Any 2xx within 10 s tells Parley the notice arrived; do slow work after answering.
        self.answer(200, {"ok": True})

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        pass  # One line per notice is printed by handle(); the default access log adds nothing.


def main() -> None:
    secret = os.environ.get("PARLEY_WEBHOOK_SECRET")
    if not secret:
        sys.exit("Set PARLEY_WEBHOOK_SECRET to the signing secret shown when the webhook was created.")
    Receiver.secret = secret
    host = os.environ.get("HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, int(os.environ.get("PORT", "3000"))), Receiver)
    print(f"listening on http://{host}:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

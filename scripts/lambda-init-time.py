#!/usr/bin/env python3
"""Measures a Lambda bootstrap's init time on this machine, without AWS.

Serves the Lambda Runtime API (the part a custom runtime calls: invocation/next, response,
error, init/error) on 127.0.0.1, starts the bootstrap with AWS_LAMBDA_RUNTIME_API pointing at
it, and times process start to the first GET /invocation/next: everything the function does
before it can take its first event (reading its configuration, building its clients). It then
hands over one event and checks the answer, so a binary that starts but cannot serve is caught.

Usage: lambda-init-time.py --runs 30 --event event.json --expect '"statusCode":200' ./api
The function's environment comes from the caller (see scripts/build-lambdas.sh --measure).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Run:
    """What one start of the bootstrap did, filled in by the server thread."""

    def __init__(self, event):
        self.event = event
        self.first_next = None
        self.answer = None
        self.done = threading.Event()
        self.served = False
        self.requests = []  # (method, path), for the message when a run fails


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the measured process was stopped mid-poll

    def _reply(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        run = self.server.run  # this server's run: a late poll from an earlier process stays there
        run.requests.append(("GET", self.path))
        if self.path != PREFIX + "/invocation/next":
            return self._reply(404)
        if run.first_next is None:
            run.first_next = time.perf_counter()
        if run.served:
            # The event was answered: hold this poll until the process is stopped.
            run.done.wait(30)
            return self._reply(500)
        run.served = True
        body = json.dumps(run.event).encode()
        deadline = str(int(time.time() * 1000) + 30_000)
        self._reply(200, body, {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": "measure-1",
            "Lambda-Runtime-Deadline-Ms": deadline,
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:eu-west-2:111122223333:function:measure",
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
        })

    def do_POST(self):
        run = self.server.run  # this server's run: a late poll from an earlier process stays there
        run.requests.append(("POST", self.path))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.endswith("/response"):
            run.answer = ("response", body.decode(errors="replace"))
        elif self.path.endswith("/error"):
            run.answer = ("error", body.decode(errors="replace"))
        else:
            return self._reply(404)
        self._reply(202, b"{}", {"Content-Type": "application/json"})
        run.done.set()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--event", required=True, help="JSON file: the one event handed over")
    parser.add_argument("--expect", default="", help="text the answer must contain")
    parser.add_argument("--answer", default="response", choices=["response", "error", "any"],
                        help="whether the event should succeed or be reported as an error")
    parser.add_argument("--label", default="")
    parser.add_argument("bootstrap", nargs="+")
    args = parser.parse_args()
    with open(args.event) as f:
        event = json.load(f)

    times = []
    for i in range(args.runs):
        run = Run(event)
        # A server per run, so a poll from the previous (killed) process cannot take this event.
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.run = run
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
        start = time.perf_counter()
        proc = subprocess.Popen(args.bootstrap, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        answered = run.done.wait(30)
        proc.kill()
        _, stderr = proc.communicate()
        server.shutdown()
        server.server_close()
        if not answered or run.first_next is None:
            state = "never asked for an event" if run.first_next is None else "took the event but never answered"
            sys.exit(f"{args.label}: run {i + 1}: {state} within 30 s; requests {run.requests}; "
                     f"stderr:\n{stderr.decode(errors='replace')}")
        kind, text = run.answer
        if args.answer not in (kind, "any") or args.expect not in text:
            sys.exit(f"{args.label}: run {i + 1}: {kind}: {text[:500]}\nstderr:\n{stderr.decode(errors='replace')[:2000]}")
        times.append((run.first_next - start) * 1000)

    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(f"{args.label}: init (start to first /next) over {len(times)} runs: "
          f"min {times[0]:.1f} ms, median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()

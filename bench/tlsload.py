#!/usr/bin/env python3
"""Keep-alive HTTPS load with an optional client certificate, for the harness's mTLS cost row.

wrk and h2load cannot present a client certificate, so the mTLS scenario and its reference (the
same load on an open host) both use this generator: its own cost is large, but the same in both,
and the harness reports only their ratio. One thread, asyncio: `--connections` HTTP/1.1
keep-alive connections, each sending GET requests one after another for `--duration` seconds.
Prints one line `BENCH_JSON {...}` in wrk-report.lua's fields (requests, duration_us, p50_us,
p99_us, errors_*); a non-200 answer counts in errors_status.

  tlsload.py --port 28089 --sni mtls.bench --path /1k --connections 64 --duration 8 \\
             --cert client.crt --key client.key
"""

import argparse
import asyncio
import json
import re
import ssl
import sys
import time


async def one_connection(args, ctx, stop_at, latencies, errors):
    # A server that ends a connection with "Connection: close" (Bollard's keep-alive-requests,
    # nginx's keepalive_requests) gets a new one, as wrk does; anything else ends this client.
    while time.monotonic() < stop_at:
        if not await one_keepalive(args, ctx, stop_at, latencies, errors):
            return


async def one_keepalive(args, ctx, stop_at, latencies, errors):
    """Requests on one connection; True when the server closed it politely (reconnect)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port, ssl=ctx,
                                                       server_hostname=args.sni)
    except (OSError, ssl.SSLError):
        errors["connect"] += 1
        return False
    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.sni}\r\n\r\n".encode()
    try:
        while time.monotonic() < stop_at:
            start = time.monotonic()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if not m:  # the harness's paths are static files: always a length
                errors["read"] += 1
                return False
            await reader.readexactly(int(m.group(1)))
            latencies.append(time.monotonic() - start)
            if not head.startswith(b"HTTP/1.1 200"):
                errors["status"] += 1
            if re.search(rb"(?i)\r\nconnection:\s*close", head):
                return True
        return False
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        errors["read"] += 1
        return False
    finally:
        writer.close()


async def run(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the harness's self-signed server certificate
    ctx.set_alpn_protocols(["http/1.1"])
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    latencies, errors = [], {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    started = time.monotonic()
    stop_at = started + args.duration
    await asyncio.gather(*(one_connection(args, ctx, stop_at, latencies, errors)
                           for _ in range(args.connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    pick = lambda q: int(latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1e6) if latencies else 0
    return {"requests": len(latencies), "duration_us": int(elapsed * 1e6), "p50_us": pick(0.5),
            "p99_us": pick(0.99), **{f"errors_{k}": v for k, v in errors.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sni", required=True, help="SNI name and Host header")
    ap.add_argument("--path", default="/1k")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=float, default=8)
    ap.add_argument("--cert", help="client certificate (PEM); without it, none is presented")
    ap.add_argument("--key", help="its private key (PEM)")
    args = ap.parse_args()
    print("BENCH_JSON " + json.dumps(asyncio.run(run(args))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

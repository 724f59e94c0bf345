#!/usr/bin/env python3
"""Holds many sockets open for the benchmarks, like a busy server would.

Usage: sockhold.py N READYFILE
Opens about N sockets: 40% TCP listeners (half IPv4, half IPv6 when available),
20% bound UDP sockets and 40% as the two ends of loopback TCP connections.
Writes "PID LISTENPORT" to READYFILE (a listener in the middle of the set),
then sleeps until killed.
"""
import os
import resource
import socket
import sys
import time

n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1024), hard))
keep = []
n_listen, n_udp = n * 4 // 10, n * 2 // 10
n_pairs = (n - n_listen - n_udp) // 2
has6 = socket.has_ipv6
for i in range(n_listen):
    six = has6 and i % 2
    s = socket.socket(socket.AF_INET6 if six else socket.AF_INET)
    s.bind(("::1" if six else "127.0.0.1", 0))
    s.listen(64)
    keep.append(s)
mid = keep[n_listen // 2 - (n_listen // 2) % 2].getsockname()[1]
for i in range(n_udp):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    keep.append(u)
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
for i in range(n_pairs):
    c = socket.create_connection(srv.getsockname())
    a, _ = srv.accept()
    keep += [c, a]
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {mid}\n")
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
while True:
    time.sleep(3600)

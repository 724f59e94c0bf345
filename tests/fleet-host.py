#!/usr/bin/env python3
"""One "host" of tests/test-fleet.sh: run inside its own network namespace
(unshare -n), brings loopback up, holds listeners, names itself like the
server it plays, writes READYFILE, then sleeps until killed.

Usage: fleet-host.py READYFILE NAME PROTO:ADDR:PORT...
"""
import socket
import subprocess
import sys
import time

ready, name, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
with open("/proc/self/comm", "w") as f:
    f.write(name)
keep = []
for spec in specs:
    proto, addr, port = spec.split(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    if proto == "tcp":
        s.listen()
    keep.append(s)
with open(ready, "w") as f:
    f.write("ready\n")
while True:
    time.sleep(3600)

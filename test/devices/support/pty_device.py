"""A raw-text scanner on the far side of a pseudo-terminal, for end-to-end tests.

Prints the slave path (what the host opens), then obeys one JSON command per stdin line:
  {"write": "<hex>"}  the scanner sends these bytes
  {"unplug": true}    close the master side (the host's reads fail: an unplug)
and answers each with "ok". Exits when stdin closes.
"""
import json
import os
import sys
import tty

master, slave = os.openpty()
tty.setraw(slave)
print(os.ttyname(slave), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if "write" in cmd and master is not None:
        os.write(master, bytes.fromhex(cmd["write"]))
    elif cmd.get("unplug") and master is not None:
        os.close(master)
        master = None
    print("ok", flush=True)

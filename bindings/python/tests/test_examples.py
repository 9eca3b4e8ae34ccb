"""The example programs of examples/ run and say what the API says."""

import json
import os
import subprocess
import sys


import rupture


def run_example(srcdir, name, *args):
    path = os.path.join(srcdir, "examples", name)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(rupture.__file__))] + sys.path), PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable, path, *args], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_python_replay_example(srcdir, demo):
    doc = json.loads(run_example(srcdir, "python_replay.py", demo, "--local", "10.0.0.1", "--json"))
    assert doc == rupture.replay(demo, local="10.0.0.1").to_dict()
    text = run_example(srcdir, "python_replay.py", demo, "--local", "10.0.0.1")
    for s in doc["streams"]:
        assert "0x%08X %-8s" % (s["ssrc"], s["direction"]) in text
    assert "%d rupture(s)" % doc["summary"]["rupture_count"] in text


def test_python_live_example(srcdir, demo):
    text = run_example(srcdir, "python_live.py", demo, "--local", "10.0.0.1", "--pt", "111=opus/48000",
                       "--pt", "96=vp8/90000")
    report = rupture.replay(demo, local="10.0.0.1")
    for s in report.streams:   # same streams, directions and codecs as the replay (SDP given with --pt)
        assert "0x%08X %-8s %-6s %8d" % (s.ssrc, s.direction, s.codec, s.packets) in text
    n_begin = text.count(" begins: ")
    assert "%d rupture(s)" % n_begin in text     # every rupture was printed as it began

#!/usr/bin/python3
"""Writes the small valid files that seed the readers' fuzzers
(tests/fuzz/corpus/<reader>/). Run from the repository root with Debian's
python3-torch and sox installed:
    /usr/bin/python3 tools/make_fuzz_seeds.py
Seeds stay small (a few KB) so that mutations stay fast. Tests never run
Python; they read the committed files."""
import collections
import json
import pathlib
import struct
import subprocess

import torch

root = pathlib.Path("tests/fuzz/corpus")

# torch.save: the shapes of checkpoint melstudio imports.
ck = root / "torch_checkpoint"
torch.manual_seed(0)
base = torch.arange(12, dtype=torch.float32)
sd = collections.OrderedDict()
sd["conv.weight"] = torch.randn(2, 1, 3)
sd["conv.bias"] = torch.zeros(2, dtype=torch.float16)
sd["view"] = base[2:8].view(2, 3).t()          # a strided view with a storage offset
sd["shared"] = base[:4]                         # shares the storage above
sd["steps"] = torch.tensor([5], dtype=torch.int64)
torch.save({"model_state_dict": sd, "ema_state_dict": collections.OrderedDict(w=torch.ones(3)),
            "vocab": ["punchy", "808"], "step": 7, "config": {"timesteps": 1000, "beta_start": 1e-4},
            "nested": [[1, 2.5, None, True], ("a", b"bytes")]}, ck / "state_dicts.pt")
torch.save(collections.OrderedDict(x=torch.tensor(3.0), y=torch.empty(0, 4)), ck / "scalars.pt")
torch.save({"generator": {"ups.0.parametrizations.weight.original0": torch.ones(1, 1, 1),
                          "ups.0.parametrizations.weight.original1": torch.full((1, 1, 4), 0.5, dtype=torch.bfloat16)},
            "epoch": 3}, ck / "vocoder.pt")

# safetensors, written by hand (the layout the spec gives).
def safetensors(path, tensors, meta):
    header, data = {}, b""
    if meta:
        header["__metadata__"] = meta
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    h += b" " * ((8 - (len(h) + 8) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + data)

st = root / "safetensors"
safetensors(st / "mixed.safetensors",
            {"w": ("F32", [2, 3], struct.pack("<6f", *range(6))), "h": ("F16", [2], struct.pack("<2e", 1.0, -2.0)),
             "i": ("I64", [1], struct.pack("<q", 42)), "e": ("U8", [0], b"")}, {"format": "pt", "generation": "abc"})
safetensors(st / "mels.safetensors", {"mels": ("F32", [1, 1, 4, 3], struct.pack("<12f", *[0.5] * 12))},
            {"generation": "g1"})

# JSON: a dataset index and the tiny model.json.
js = root / "json"
(js / "index.json").write_text(json.dumps({"n_mels": 4, "frames": 3, "sample_rate": 44100, "generation": "g1",
    "items": [{"filename": "k 1.wav", "source": "kit", "hash": "ab", "sample_rate": 44100, "channels": 1,
               "duration": 0.5, "peak": 0.9, "keywords": ["short", "bright"]}]}, indent=1))
(js / "nested.json").write_text('{"a": [1, -2.5e3, true, null, "\\u00e9\\ud83d\\ude00"], "b": {"c": [[[]]]}}')

# CSV: quotes, embedded newlines, UTF-8.
(root / "csv" / "metadata.csv").write_bytes(
    'filename,original_path,keywords\r\n"a, b.wav","/x/""q""/a.wav",short bright\r\n'
    'c.wav,"/multi\nline/c.wav",\r\n共同.wav,/k/共同.wav,low\r\n'.encode())

# Audio: one short tone in the formats libsndfile reads.
au = root / "audio"
for name, args in [("tone.flac", ["-b", "16", "-c", "2"]), ("tone24.aiff", ["-b", "24"]),
                   ("tone.ogg", ["-c", "1"]), ("tonef.wav", ["-e", "floating-point", "-b", "32"])]:
    subprocess.run(["sox", "-n", "-r", "8000", *args, str(au / name), "synth", "0.03", "sine", "440"], check=True)

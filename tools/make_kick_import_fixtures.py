#!/usr/bin/python3
"""Builds the tiny KickWithReverb-style checkpoints of tests/fixtures/models/.

Run with Debian's torch (/usr/bin/python3), from the repository root:
    build/trainer/melstudio-cli package --preset tiny --vocab "punchy,808,deep" --seed 5 --out /tmp/kwr-src
    /usr/bin/python3 tools/make_kick_import_fixtures.py /tmp/kwr-src tests/fixtures/models

It reads the package's safetensors (by hand, no safetensors module needed) and
writes torch.save dicts laid out like zhinit/KickWithReverb's kick_gen_trainer
checkpoints: a pickled dataclass "config" (module training.config, with
pathlib paths), OrderedDict state dicts with _metadata, and the vocoder's
weight norm under torch.nn.utils.parametrizations names
(<conv>.parametrizations.weight.original0 / original1). It also writes
kwr_expected.json: per component, the sum of all its tensors, for the test.
Tests never run Python; they read the committed files.
"""
import collections
import dataclasses
import json
import pathlib
import struct
import sys
import types

import torch

DT = {"F32": torch.float32, "I64": torch.int64}


def read_safetensors(path):
    data = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        buf = bytearray(data[8 + n + a:8 + n + b])
        t = torch.frombuffer(buf, dtype=DT[info["dtype"]]).reshape(info["shape"]).clone()
        out[name] = t
    return out


def state_dict(d):
    sd = collections.OrderedDict(d)
    sd._metadata = collections.OrderedDict({"": {"version": 1}})
    return sd


# Stand-ins for the reference's training.config dataclasses (pickled by module path).
cfgmod = types.ModuleType("training.config")
sys.modules["training"] = types.ModuleType("training")
sys.modules["training.config"] = cfgmod


@dataclasses.dataclass
class AutoencoderConfig:
    data_dir: pathlib.Path = pathlib.Path("data/processed")
    latent_dim: int = 4
    batch_size: int = 32
    learning_rate: float = 1e-4


@dataclasses.dataclass
class DiffusionConfig:
    latents_dir: pathlib.Path = pathlib.Path("data/latents")
    latent_dim: int = 4
    timesteps: int = 1000
    beta_start: float = 0.0001
    beta_end: float = 0.02
    base_channels: int = 8
    cond_dim: int = 32
    text_embed_dim: int = 8


for cls in (AutoencoderConfig, DiffusionConfig):
    cls.__module__ = "training.config"
    setattr(cfgmod, cls.__name__, cls)


def main(src, dst):
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    vae = read_safetensors(src / "vae.safetensors")
    unet = read_safetensors(src / "unet.safetensors")
    text = read_safetensors(src / "text.safetensors")
    voc = read_safetensors(src / "vocoder.safetensors")
    vocab = json.loads((src / "model.json").read_text())["vocab"]

    torch.save({"epoch": 100, "model_state_dict": state_dict(vae), "optimizer_state_dict": {},
                "config": AutoencoderConfig()}, dst / "kwr_vae.pt")
    # EMA and raw weights share storages, so the file holds them once.
    torch.save({"step": 100000, "model_state_dict": state_dict(unet), "ema_state_dict": state_dict(unet),
                "text_enc_state_dict": state_dict(text), "optimizer_state_dict": {}, "vocab": vocab,
                "config": DiffusionConfig()}, dst / "kwr_diffusion.pt")
    gen = collections.OrderedDict()
    for k, v in voc.items():
        if k.endswith(".weight_g"):
            gen[k[:-len(".weight_g")] + ".parametrizations.weight.original0"] = v
        elif k.endswith(".weight_v"):
            gen[k[:-len(".weight_v")] + ".parametrizations.weight.original1"] = v
        else:
            gen[k] = v
    torch.save({"generator": state_dict(gen), "mpd": {}, "msd": {}, "epoch": 50}, dst / "kwr_vocoder.pt")
    # A VAE checkpoint that does not fit (kept small: most keys are simply
    # missing): one key renamed, one tensor re-shaped.
    bad = collections.OrderedDict()
    bad["encoder.net.0.weightX"] = vae["encoder.net.0.weight"]
    bad["encoder.net.0.bias"] = vae["encoder.net.0.bias"]
    bad["encoder.conv_mu.bias"] = torch.zeros(7)
    torch.save({"epoch": 1, "model_state_dict": state_dict(bad), "config": AutoencoderConfig()}, dst / "kwr_vae_bad.pt")

    expected = {name: float(sum(t.double().sum() for t in sd.values()))
                for name, sd in (("vae", vae), ("unet", unet), ("text", text), ("vocoder", voc))}
    expected["vocab"] = vocab
    (dst / "kwr_expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

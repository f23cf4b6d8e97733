#!/usr/bin/env python3
"""Independent Python reference of AudioSR's inference modules -> test fixtures.

Run from the repository root with Debian's torch (1.13, numpy; no librosa,
einops or scipy needed):

    /usr/bin/python3 tools/make_sr_fixtures.py tests/fixtures/models/sr

The modules below are written from AudioSR's public source
(haoheliu/versatile_audio_super_resolution): layer structure, key names,
shapes and formulas follow it, the code is our own.  Output (all
deterministic, fixed seeds, one CPU thread):

  audiosr_manifest.jsonl       {"name","shape"} per line for the FULL-SIZE
                               LatentDiffusion state dict (get_basic_config),
                               in state_dict order; built on the meta device.
  audiosr_tiny.pt              {"state_dict": sd} of a tiny model with the exact
                               AudioSR key layout (+ a few model_ema.* entries).
  audiosr_tiny_wrongshape.pt   out.2.weight has one extra output channel.
  audiosr_tiny_evil.pt         state dict pickle that also REDUCEs posix.system.
  audiosr_tiny_global.ckpt     tiny model + melstudio's global conditioning, in a
                               Lightning-style checkpoint.
  (Size budget: of cond_stage_models.0.vae's decoder, post_quant_conv and vocoder,
  which inference never runs, only the first tensor each is kept; the wrong-shape
  file holds the schedule buffers and the UNet's output layer only.)
  audiosr_tiny_refs.pt         flat dict name -> tensor of inputs and reference
                               outputs computed by these modules (float32, CPU).

Tiny model: VAE ch 32, ch_mult [1,2], 1 res block, z/embed 4, 16 mel bins;
UNet in 8 / out 4, 32 channels, mult [1,1], 1 res block, attention at ds 2
(input_blocks.3.{1,2}, middle_block.{1,2}, output_blocks.{0,1}.{1,2}), 32-ch
heads; HiFi-GAN 16 mels, 32 initial channels, rates [6,5,4,2,2], kernels
[12,10,8,4,4], resblock kernels [3,7] x dilations [1,3,5]; cosine schedule,
1000 steps, v; scale_factor 0.75.  Every weight is random (no zero init),
first_stage_model and cond_stage_models.0.vae differ.  model_ema.* holds
decay, num_updates and 4 dot-less copies with the sign flipped (AudioSR's
inference does not use EMA weights).  The wrong-shape file has
out.2.weight [5,32,3,3] (bias stays [4]).  The evil file is a 21-key subset.
Global variant: global_encoder.* (c 8/8/16, d 32, 2 heads, ff 64, 1 layer,
ctx 16, 64 frames) and global_proj/global_attn in every SpatialTransformer.

audiosr_tiny_refs.pt (float32 unless said):
  vae.mel [1,1,32,16] (time x mel), vae.moments = quant_conv(encoder(mel))
  [1,8,16,8], vae.z [1,4,16,8], vae.decoded = decoder(post_quant_conv(z));
  cond.moments (cond_stage_models.0.vae on vae.mel), cond.eps, cond.z =
  mean + exp(0.5*clamp(logvar,-30,20))*eps (DiagonalGaussian .sample());
  unet.x [2,8,16,8], unet.t int64 [981,21], unet.out [2,4,16,8];
  voc.mel [1,16,20], voc.wave [1,1,9616] (480*20+16);
  sched.alphas_cumprod [1000]; ddim.timesteps int64 [50] (1..981 ascending),
  ddim.alphas, ddim.alphas_prev, ddim.sigmas (eta 1);
  ddim.one_step.{x, c (= cond.z), noise, t int64 [1]=981, index int64 []=49,
  guidance []=3.5, v_cond, v_uncond, v, e_t, pred_x0, x_prev};
  mel.wave [24000], mel.basis [256,1025], mel.logmel [50,256];
  cutoff.wave [24000] (mel.wave low-passed at 8 kHz by FFT), cutoff.mag
  [50,1025] (|STFT|, time x freq), cutoff.bin int64 [] on [T,1025],
  cutoff.bin_audiosr int64 [] on [T,1024] (pad_spec drops the odd last bin);
  global.mel [1,1,16,24] (mel x frames), global.ctx [1,16] (after
  global_encoder.global_proj), global.unet.out [2,4,16,8] on unet.x/unet.t.

Facts worth knowing (all from AudioSR's source):
  * UNet GroupNorms (ResBlock in/out_layers, out.0) are GroupNorm32 with the
    torch default eps 1e-5; SpatialTransformer.norm and every VAE GroupNorm use
    eps 1e-6.  LayerNorms use 1e-5.
  * UNet Downsample = Conv2d(3, stride 2, pad 1); VAE Downsample = pad
    (0,1,0,1) with zeros, then Conv2d(3, stride 2, pad 0).
  * HiFi-GAN ConvTranspose1d padding (k-u)//2: with k=10, u=5 a stage maps
    L -> 5L+1, so the vocoder gives 480*T + 16 samples for T mel frames.
  * Final leaky_relu of the vocoder uses slope 0.01 (torch default), the others 0.1.
  * The concat condition is vae.encode(lowpass_mel).sample() (random), and
    DiffusionWrapper multiplies it (and the -11.4981 unconditional latent)
    by scale_factor before concatenating.
  * generate_batch does not use the EMA weights (ema_scope is commented out).
"""

import argparse
import hashlib
import json
import math
import os
import pickle
import pickletools
import zipfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------
# Layer factories.  _DEV = "meta" builds the full-size model without memory.
# ----------------------------------------------------------------------------
_DEV = None


def _fk():
    return {} if _DEV is None else {"device": _DEV}


def conv2d(ci, co, k, s=1, p=0, bias=True):
    return nn.Conv2d(ci, co, k, s, p, bias=bias, **_fk())


def conv1d(ci, co, k, s=1, p=0, d=1):
    return nn.Conv1d(ci, co, k, s, p, dilation=d, **_fk())


def linear(ci, co, bias=True):
    return nn.Linear(ci, co, bias=bias, **_fk())


def gnorm(c, eps):
    return nn.GroupNorm(32, c, eps=eps, affine=True, **_fk())


def lnorm(c):
    return nn.LayerNorm(c, **_fk())


# ----------------------------------------------------------------------------
# UNet (openaimodel.UNetModel with use_spatial_transformer, extra_sa_layer)
# ----------------------------------------------------------------------------
def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class ResBlock(nn.Module):
    def __init__(self, ci, emb_ch, co):
        super().__init__()
        self.in_layers = nn.Sequential(gnorm(ci, 1e-5), nn.SiLU(), conv2d(ci, co, 3, 1, 1))
        self.emb_layers = nn.Sequential(nn.SiLU(), linear(emb_ch, co))
        self.out_layers = nn.Sequential(gnorm(co, 1e-5), nn.SiLU(), nn.Dropout(0.0),
                                        conv2d(co, co, 3, 1, 1))
        self.skip_connection = nn.Identity() if ci == co else conv2d(ci, co, 1)

    def forward(self, x, emb):
        h = self.in_layers(x) + self.emb_layers(emb)[:, :, None, None]
        return self.skip_connection(x) + self.out_layers(h)


class UDown(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.op = conv2d(c, c, 3, 2, 1)

    def forward(self, x):
        return self.op(x)


class UUp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class Attention(nn.Module):
    """attention.CrossAttention used without context (self-attention)."""

    def __init__(self, dim, heads, dh):
        super().__init__()
        inner = heads * dh
        self.heads, self.scale = heads, dh ** -0.5
        self.to_q = linear(dim, inner, bias=False)
        self.to_k = linear(dim, inner, bias=False)
        self.to_v = linear(dim, inner, bias=False)
        self.to_out = nn.Sequential(linear(inner, dim), nn.Dropout(0.0))

    def forward(self, x):
        b, n, _ = x.shape

        def heads(t):
            return t.reshape(b, n, self.heads, -1).transpose(1, 2)

        q, k, v = heads(self.to_q(x)), heads(self.to_k(x)), heads(self.to_v(x))
        w = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        o = torch.matmul(w.softmax(dim=-1), v)
        return self.to_out(o.transpose(1, 2).reshape(b, n, -1))


class GEGLU(nn.Module):
    def __init__(self, di, do):
        super().__init__()
        self.proj = linear(di, do * 2)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, dim=-1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim, mult=4):
        super().__init__()
        self.net = nn.Sequential(GEGLU(dim, dim * mult), nn.Dropout(0.0), linear(dim * mult, dim))

    def forward(self, x):
        return self.net(x)


class TransformerBlock(nn.Module):
    def __init__(self, dim, heads, dh):
        super().__init__()
        # registration order = AudioSR's: attn1, ff, attn2, norm1, norm2, norm3
        self.attn1 = Attention(dim, heads, dh)
        self.ff = FeedForward(dim)
        self.attn2 = Attention(dim, heads, dh)  # context_dim None -> self-attention
        self.norm1, self.norm2, self.norm3 = lnorm(dim), lnorm(dim), lnorm(dim)

    def forward(self, x):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x)) + x
        return self.ff(self.norm3(x)) + x


class SpatialTransformer(nn.Module):
    """attention.SpatialTransformer (depth 1); with global_dim it is melstudio's
    GlobalConditionedSpatialTransformer (global_proj + global_attn first)."""

    def __init__(self, c, heads, dh, depth=1, global_dim=None):
        super().__init__()
        inner = heads * dh
        self.norm = gnorm(c, 1e-6)
        self.proj_in = conv2d(c, inner, 1)
        self.transformer_blocks = nn.ModuleList([TransformerBlock(inner, heads, dh) for _ in range(depth)])
        self.proj_out = conv2d(inner, c, 1)
        self.global_dim = global_dim
        if global_dim is not None:
            self.global_proj = linear(global_dim, c)
            self.global_attn = nn.MultiheadAttention(c, c // 32, batch_first=True, **_fk())

    def forward(self, x, g=None):
        b, c, h, w = x.shape
        if self.global_dim is not None:
            xf = x.reshape(b, c, h * w).transpose(1, 2)
            gk = self.global_proj(g)[:, None, :]
            a = self.global_attn(xf, gk, gk, need_weights=False)[0]
            x = x + a.transpose(1, 2).reshape(b, c, h, w)
        y = self.proj_in(self.norm(x))
        y = y.reshape(b, y.shape[1], h * w).transpose(1, 2)
        for blk in self.transformer_blocks:
            y = blk(y)
        y = y.transpose(1, 2).reshape(b, -1, h, w)
        return self.proj_out(y) + x


class TSeq(nn.Sequential):
    def forward(self, x, emb, g=None):
        for m in self:
            if isinstance(m, ResBlock):
                x = m(x, emb)
            elif isinstance(m, SpatialTransformer):
                x = m(x, g)
            else:
                x = m(x)
        return x


class UNet(nn.Module):
    def __init__(self, cin, mc, cout, nres, attn_res, mult, head_ch=32, depth=1, global_dim=None):
        super().__init__()
        self.mc = mc
        ted = mc * 4
        self.time_embed = nn.Sequential(linear(mc, ted), nn.SiLU(), linear(ted, ted))

        def st(ch):
            heads = ch // head_ch
            return SpatialTransformer(ch, heads, ch // heads, depth, global_dim)

        self.input_blocks = nn.ModuleList([TSeq(conv2d(cin, mc, 3, 1, 1))])
        chans, ch, ds = [mc], mc, 1
        for lvl, m in enumerate(mult):
            for _ in range(nres):
                layers = [ResBlock(ch, ted, m * mc)]
                ch = m * mc
                if ds in attn_res:
                    layers += [st(ch), st(ch)]  # extra_sa_layer + the "context" one
                self.input_blocks.append(TSeq(*layers))
                chans.append(ch)
            if lvl != len(mult) - 1:
                self.input_blocks.append(TSeq(UDown(ch)))
                chans.append(ch)
                ds *= 2
        self.middle_block = TSeq(ResBlock(ch, ted, ch), st(ch), st(ch), ResBlock(ch, ted, ch))
        self.output_blocks = nn.ModuleList()
        for lvl, m in reversed(list(enumerate(mult))):
            for i in range(nres + 1):
                layers = [ResBlock(ch + chans.pop(), ted, m * mc)]
                ch = m * mc
                if ds in attn_res:
                    layers += [st(ch), st(ch)]
                if lvl and i == nres:
                    layers.append(UUp(ch))
                    ds //= 2
                self.output_blocks.append(TSeq(*layers))
        self.out = nn.Sequential(gnorm(ch, 1e-5), nn.SiLU(), conv2d(mc, cout, 3, 1, 1))

    def forward(self, x, t, g=None):
        emb = self.time_embed(timestep_embedding(t, self.mc))
        hs, h = [], x
        for m in self.input_blocks:
            h = m(h, emb, g)
            hs.append(h)
        h = self.middle_block(h, emb, g)
        for m in self.output_blocks:
            h = m(torch.cat([h, hs.pop()], dim=1), emb, g)
        return self.out(h)


# ----------------------------------------------------------------------------
# VAE (diffusionmodules/model.py Encoder/Decoder, temb_ch 0, attn only in mid)
# ----------------------------------------------------------------------------
def swish(x):
    return x * torch.sigmoid(x)


class VResBlock(nn.Module):
    def __init__(self, ci, co):
        super().__init__()
        self.norm1 = gnorm(ci, 1e-6)
        self.conv1 = conv2d(ci, co, 3, 1, 1)
        self.norm2 = gnorm(co, 1e-6)
        self.conv2 = conv2d(co, co, 3, 1, 1)
        if ci != co:
            self.nin_shortcut = conv2d(ci, co, 1)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        if hasattr(self, "nin_shortcut"):
            x = self.nin_shortcut(x)
        return x + h


class VAttn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = gnorm(c, 1e-6)
        self.q, self.k, self.v = conv2d(c, c, 1), conv2d(c, c, 1), conv2d(c, c, 1)
        self.proj_out = conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.norm(x)
        q = self.q(y).reshape(b, c, h * w).transpose(1, 2)      # b, i, c
        k = self.k(y).reshape(b, c, h * w)                      # b, c, j
        v = self.v(y).reshape(b, c, h * w)                      # b, c, j
        a = torch.softmax(torch.bmm(q, k) * (c ** -0.5), dim=2)  # b, i, j
        o = torch.bmm(v, a.transpose(1, 2)).reshape(b, c, h, w)
        return x + self.proj_out(o)


class VDown(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class VUp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Mid(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block_1 = VResBlock(c, c)
        self.attn_1 = VAttn(c)
        self.block_2 = VResBlock(c, c)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class Level(nn.Module):
    pass


class Encoder(nn.Module):
    def __init__(self, ch, ch_mult, nres, cin, z, double_z=True):
        super().__init__()
        self.nres = nres
        self.conv_in = conv2d(cin, ch, 3, 1, 1)
        self.down = nn.ModuleList()
        bi = ch
        for i, m in enumerate(ch_mult):
            lv = Level()
            lv.block = nn.ModuleList()
            for _ in range(nres):
                lv.block.append(VResBlock(bi, ch * m))
                bi = ch * m
            lv.attn = nn.ModuleList()  # attn_resolutions [] -> empty
            if i != len(ch_mult) - 1:
                lv.downsample = VDown(bi)
            self.down.append(lv)
        self.mid = Mid(bi)
        self.norm_out = gnorm(bi, 1e-6)
        self.conv_out = conv2d(bi, 2 * z if double_z else z, 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for lv in self.down:
            for blk in lv.block:
                h = blk(h)
            if hasattr(lv, "downsample"):
                h = lv.downsample(h)
        h = self.mid(h)
        return self.conv_out(swish(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, ch, ch_mult, nres, cout, z):
        super().__init__()
        n = len(ch_mult)
        bi = ch * ch_mult[-1]
        self.conv_in = conv2d(z, bi, 3, 1, 1)
        self.mid = Mid(bi)
        levels = [None] * n
        for i in reversed(range(n)):
            lv = Level()
            lv.block = nn.ModuleList()
            for _ in range(nres + 1):
                lv.block.append(VResBlock(bi, ch * ch_mult[i]))
                bi = ch * ch_mult[i]
            lv.attn = nn.ModuleList()
            if i != 0:
                lv.upsample = VUp(bi)
            levels[i] = lv
        self.up = nn.ModuleList(levels)
        self.norm_out = gnorm(bi, 1e-6)
        self.conv_out = conv2d(bi, cout, 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for lv in reversed(self.up):
            for blk in lv.block:
                h = blk(h)
            if hasattr(lv, "upsample"):
                h = lv.upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


# ----------------------------------------------------------------------------
# HiFi-GAN "Generator_old" (hifigan/models.py), weight norm removed
# ----------------------------------------------------------------------------
class HResBlock(nn.Module):
    def __init__(self, ch, k, dil):
        super().__init__()
        self.convs1 = nn.ModuleList([conv1d(ch, ch, k, 1, (k * d - d) // 2, d) for d in dil])
        self.convs2 = nn.ModuleList([conv1d(ch, ch, k, 1, (k - 1) // 2, 1) for _ in dil])

    def forward(self, x):
        for c1, c2 in zip(self.convs1, self.convs2):
            x = c2(F.leaky_relu(c1(F.leaky_relu(x, 0.1)), 0.1)) + x
        return x


class Generator(nn.Module):
    def __init__(self, n_mels, init_ch, rates, kernels, rk, rd):
        super().__init__()
        self.nk = len(rk)
        self.conv_pre = conv1d(n_mels, init_ch, 7, 1, 3)
        self.ups = nn.ModuleList([
            nn.ConvTranspose1d(init_ch // 2 ** i, init_ch // 2 ** (i + 1), k, u, (k - u) // 2, **_fk())
            for i, (u, k) in enumerate(zip(rates, kernels))])
        self.resblocks = nn.ModuleList()
        for i in range(len(rates)):
            ch = init_ch // 2 ** (i + 1)
            for k, d in zip(rk, rd):
                self.resblocks.append(HResBlock(ch, k, d))
        self.conv_post = conv1d(ch, 1, 7, 1, 3)
        # AudioSR builds these with weight_norm and calls remove_weight_norm(),
        # which registers a fresh `weight` after `bias`: its state dict lists
        # every vocoder conv as .bias then .weight.  Same order here.
        for m in self.modules():
            if isinstance(m, (nn.Conv1d, nn.ConvTranspose1d)):
                m._parameters["weight"] = m._parameters.pop("weight")

    def forward(self, x):
        x = self.conv_pre(x)
        for i, up in enumerate(self.ups):
            x = up(F.leaky_relu(x, 0.1))
            xs = None
            for j in range(self.nk):
                y = self.resblocks[i * self.nk + j](x)
                xs = y if xs is None else xs + y
            x = xs / self.nk
        return torch.tanh(self.conv_post(F.leaky_relu(x, 0.01)))


class AutoencoderKL(nn.Module):
    def __init__(self, v, h):
        super().__init__()
        self.encoder = Encoder(v["ch"], v["ch_mult"], v["nres"], 1, v["z"])
        self.decoder = Decoder(v["ch"], v["ch_mult"], v["nres"], 1, v["z"])
        self.quant_conv = conv2d(2 * v["z"], 2 * v["embed"], 1)
        self.post_quant_conv = conv2d(v["embed"], v["z"], 1)
        self.vocoder = Generator(v["mel_bins"], h["init"], h["rates"], h["kernels"], h["rk"], h["rd"])

    def moments(self, mel):
        return self.quant_conv(self.encoder(mel))

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


# ----------------------------------------------------------------------------
# melstudio's GlobalAudioEncoder (design document 000)
# ----------------------------------------------------------------------------
def _conv_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


class GlobalAudioEncoder(nn.Module):
    def __init__(self, n_mels, c1, c2, c3, d, heads, ff, layers, ctx, max_frames, dropout=0.1):
        super().__init__()
        self.cnn = nn.Sequential(
            conv2d(1, c1, (8, 3), (4, 1), (2, 1)), nn.BatchNorm2d(c1, **_fk()), nn.ReLU(),
            conv2d(c1, c2, (4, 3), (2, 1), (1, 1)), nn.BatchNorm2d(c2, **_fk()), nn.ReLU(),
            conv2d(c2, c3, (4, 3), (2, 1), (1, 1)), nn.BatchNorm2d(c3, **_fk()), nn.ReLU())
        h3 = _conv_out(_conv_out(_conv_out(n_mels, 8, 4, 2), 4, 2, 1), 4, 2, 1)
        self.h3 = h3
        self.input_proj = linear(c3 * h3, d)
        self.pos_embedding = nn.Parameter(torch.zeros(1, max_frames, d, **_fk()))
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout, batch_first=True, **_fk())
        self.transformer = nn.TransformerEncoder(layer, layers)
        self.output_proj = nn.Sequential(linear(d, d), nn.ReLU(), nn.Dropout(dropout), linear(d, ctx))
        self.global_proj = linear(ctx, ctx)

    def forward(self, mel):
        h = self.cnn(mel)                                   # B, c3, H3, T
        b, c, hh, t = h.shape
        h = h.permute(0, 3, 1, 2).reshape(b, t, c * hh)     # index c*H3 + h
        h = self.input_proj(h) + self.pos_embedding[:, :t]
        h = self.transformer(h).mean(dim=1)
        return self.global_proj(self.output_proj(h))


def manual_global_encoder(sd, mel, heads, p="global_encoder."):
    """Same forward from raw tensors (cross-check of torch's module semantics)."""
    h = mel
    for ci, bi in ((0, 1), (3, 4), (6, 7)):
        conv = {0: ((4, 1), (2, 1)), 3: ((2, 1), (1, 1)), 6: ((2, 1), (1, 1))}[ci]
        h = F.conv2d(h, sd[f"{p}cnn.{ci}.weight"], sd[f"{p}cnn.{ci}.bias"], conv[0], conv[1])
        h = (h - sd[f"{p}cnn.{bi}.running_mean"][:, None, None]) / torch.sqrt(
            sd[f"{p}cnn.{bi}.running_var"][:, None, None] + 1e-5)
        h = torch.relu(h * sd[f"{p}cnn.{bi}.weight"][:, None, None] + sd[f"{p}cnn.{bi}.bias"][:, None, None])
    b, c, hh, t = h.shape
    x = h.permute(0, 3, 1, 2).reshape(b, t, c * hh)
    x = F.linear(x, sd[p + "input_proj.weight"], sd[p + "input_proj.bias"]) + sd[p + "pos_embedding"][:, :t]
    n = 0
    while f"{p}transformer.layers.{n}.linear1.weight" in sd:
        q = f"{p}transformer.layers.{n}."
        d = x.shape[-1]
        qkv = F.linear(x, sd[q + "self_attn.in_proj_weight"], sd[q + "self_attn.in_proj_bias"])
        qq, kk, vv = [y.reshape(b, t, heads, d // heads).transpose(1, 2) for y in qkv.split(d, dim=-1)]
        a = torch.softmax(qq @ kk.transpose(-1, -2) / math.sqrt(d // heads), dim=-1) @ vv
        a = F.linear(a.transpose(1, 2).reshape(b, t, d), sd[q + "self_attn.out_proj.weight"],
                     sd[q + "self_attn.out_proj.bias"])
        x = F.layer_norm(x + a, (d,), sd[q + "norm1.weight"], sd[q + "norm1.bias"], 1e-5)
        f = F.linear(torch.relu(F.linear(x, sd[q + "linear1.weight"], sd[q + "linear1.bias"])),
                     sd[q + "linear2.weight"], sd[q + "linear2.bias"])
        x = F.layer_norm(x + f, (d,), sd[q + "norm2.weight"], sd[q + "norm2.bias"], 1e-5)
        n += 1
    x = x.mean(dim=1)
    x = F.linear(torch.relu(F.linear(x, sd[p + "output_proj.0.weight"], sd[p + "output_proj.0.bias"])),
                 sd[p + "output_proj.3.weight"], sd[p + "output_proj.3.bias"])
    return F.linear(x, sd[p + "global_proj.weight"], sd[p + "global_proj.bias"])


# ----------------------------------------------------------------------------
# Diffusion schedule (DDPM.register_schedule, cosine, v) and DDIM parameters
# ----------------------------------------------------------------------------
SCHEDULE_NAMES = ["betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                  "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
                  "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
                  "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2"]


def cosine_betas(n, s=8e-3):
    t = np.arange(n + 1, dtype=np.float64) / n + s
    f = np.cos(t / (1 + s) * np.pi / 2) ** 2
    f = f / f[0]
    return 1.0 - f[1:] / f[:-1]  # unclipped: the last beta is 1


def schedule_buffers(n=1000):
    betas = cosine_betas(n)
    alphas = 1.0 - betas
    acp = np.cumprod(alphas)
    prev = np.append(1.0, acp[:-1])
    eps = 1e-10  # AudioSR adds it inside the two reciprocal square roots
    pv = betas * (1.0 - prev) / (1.0 - acp)  # v_posterior = 0
    vals = [betas, acp, prev, np.sqrt(acp), np.sqrt(1.0 - acp), np.log(1.0 - acp),
            np.sqrt(1.0 / (acp + eps)), np.sqrt(1.0 / (acp + eps) - 1), pv,
            np.log(np.maximum(pv, 1e-20)), betas * np.sqrt(prev) / (1.0 - acp),
            (1.0 - prev) * np.sqrt(alphas) / (1.0 - acp)]
    return OrderedDict((k, torch.tensor(v, dtype=torch.float32)) for k, v in zip(SCHEDULE_NAMES, vals))


def ddim_params(acp32, steps, eta):
    """make_ddim_timesteps('uniform') + make_ddim_sampling_parameters, with the
    dtypes AudioSR ends up using: alphas are float32 values of the alphas_cumprod
    buffer, sigma is float64 arithmetic except that (1 - prev) / (1 - a) runs as
    ndarray / Tensor -> Tensor.__rtruediv__ = float32 reciprocal(1 - a) * (1 - prev);
    this gives 1-ulp differences in 8 of the 50 float32 sigmas."""
    ts = np.arange(0, 1000, 1000 // steps) + 1
    a = acp32[torch.from_numpy(ts)]
    prev = np.asarray([float(acp32[0])] + a[:-1].tolist())
    recip = torch.reciprocal(1 - a).double().numpy()    # float32 1 - a and reciprocal
    a64 = a.double().numpy()
    sig = eta * np.sqrt((1 - prev) * recip * (1 - a64 / prev))
    return (torch.from_numpy(ts).long(), a.clone(), torch.tensor(prev, dtype=torch.float32),
            torch.tensor(sig, dtype=torch.float32))


# ----------------------------------------------------------------------------
# Front-end: librosa.filters.mel (slaney) port and mel_spectrogram_train
# ----------------------------------------------------------------------------
def _hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    m = f / f_sp
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, m)


def _mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filterbank(sr=48000, n_fft=2048, n_mels=256, fmin=20.0, fmax=24000.0):
    fft_f = np.linspace(0, sr / 2.0, 1 + n_fft // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    w *= enorm[:, None]  # float32 *= float64, as librosa (dtype=float32) does
    return w


def stft_mag(wave, n_fft=2048, hop=480):
    y = torch.as_tensor(wave, dtype=torch.float32)[None, None]
    pad = (n_fft - hop) // 2
    y = F.pad(y, (pad, pad), mode="reflect")[:, 0]
    s = torch.stft(y, n_fft, hop_length=hop, win_length=n_fft, window=torch.hann_window(n_fft),
                   center=False, normalized=False, onesided=True, return_complex=True)
    return s.abs()[0]  # [1025, T]


def log_mel(mag, basis):
    return torch.log(torch.clamp(torch.matmul(basis, mag), min=1e-5))  # [256, T]


def locate_cutoff(mag_tf, percentile=0.985):
    """_locate_cutoff_freq: mag is [T, F]; highest bin whose cumsum < p*total."""
    energy = torch.cumsum(torch.sum(mag_tf, dim=0), dim=0)
    thr = energy[-1] * percentile
    n = energy.shape[0]
    for i in range(1, n):
        if energy[-i] < thr:
            return n - i
    return 0


# ----------------------------------------------------------------------------
# Configurations
# ----------------------------------------------------------------------------
FULL = dict(
    unet=dict(cin=32, mc=128, cout=16, nres=2, attn_res=[8, 4, 2], mult=[1, 2, 3, 5]),
    vae=dict(ch=128, ch_mult=[1, 2, 4, 8], nres=2, z=16, embed=16, mel_bins=256),
    hifi=dict(init=1536, rates=[6, 5, 4, 2, 2], kernels=[12, 10, 8, 4, 4], rk=[3, 7, 11, 15],
              rd=[[1, 3, 5]] * 4),
)
TINY = dict(
    unet=dict(cin=8, mc=32, cout=4, nres=1, attn_res=[2], mult=[1, 1]),
    vae=dict(ch=32, ch_mult=[1, 2], nres=1, z=4, embed=4, mel_bins=16),
    hifi=dict(init=32, rates=[6, 5, 4, 2, 2], kernels=[12, 10, 8, 4, 4], rk=[3, 7], rd=[[1, 3, 5]] * 2),
)
TINY_GLOBAL = dict(n_mels=16, c1=8, c2=8, c3=16, d=32, heads=2, ff=64, layers=1, ctx=16, max_frames=64)
TINY_SCALE_FACTOR = 0.75
UNCOND_VALUE = -11.4981

# facts table (shared/references/audiosr-facts.md): prefix -> (tensors, params)
FACTS = OrderedDict([
    ("model.diffusion_model.", (1104, 258195088)),
    ("first_stage_model.encoder.", (108, 90010272)),
    ("first_stage_model.decoder.", (140, 133523969)),
    ("first_stage_model.quant_conv.", (2, 1056)),
    ("first_stage_model.post_quant_conv.", (2, 272)),
    ("first_stage_model.vocoder.", (254, 190281889)),
    ("cond_stage_models.0.vae.", (506, 413817458)),
])


def build(cfg, global_cfg=None):
    u = cfg["unet"]
    unet = UNet(u["cin"], u["mc"], u["cout"], u["nres"], u["attn_res"], u["mult"],
                global_dim=None if global_cfg is None else global_cfg["ctx"])
    vae1 = AutoencoderKL(cfg["vae"], cfg["hifi"])
    vae2 = AutoencoderKL(cfg["vae"], cfg["hifi"])
    genc = None if global_cfg is None else GlobalAudioEncoder(**global_cfg)
    return unet, vae1, vae2, genc


def assemble(unet, vae1, vae2, scale_factor, genc=None, ema_count=0):
    """LatentDiffusion.state_dict() order: own params (logvar), own buffers
    (schedule, scale_factor), then children model, model_ema, first_stage_model,
    cond_stage_models (clap.* omitted: it sits before model in the real dict)."""
    sd = OrderedDict()
    sd["logvar"] = torch.zeros(1000)
    sd.update(schedule_buffers())
    sd["scale_factor"] = torch.tensor(scale_factor, dtype=torch.float32)
    usd = unet.state_dict()
    for k, v in usd.items():
        sd["model.diffusion_model." + k] = v
    if ema_count:
        sd["model_ema.decay"] = torch.tensor(0.9999, dtype=torch.float32)
        sd["model_ema.num_updates"] = torch.tensor(0, dtype=torch.int32)
        for k in [k for k in usd if "global_" not in k][:ema_count]:
            # LitEma: "diffusion_model." + name with the dots removed; values are
            # sign-flipped so a loader that wrongly prefers EMA is caught.
            sd["model_ema." + ("diffusion_model." + k).replace(".", "")] = -usd[k].clone()
    for k, v in vae1.state_dict().items():
        sd["first_stage_model." + k] = v
    for k, v in vae2.state_dict().items():
        sd["cond_stage_models.0.vae." + k] = v
    if genc is not None:
        for k, v in genc.state_dict().items():
            sd["global_encoder." + k] = v
    return sd


# ----------------------------------------------------------------------------
# Random initialisation of the tiny model
# ----------------------------------------------------------------------------
NORM_TYPES = (nn.GroupNorm, nn.LayerNorm, nn.BatchNorm2d)


@torch.no_grad()
def randomize(module, gen):
    for m in module.modules():
        for name, p in list(m._parameters.items()) + list(m._buffers.items()):
            if p is None:
                continue
            if isinstance(m, NORM_TYPES):
                if name == "weight":
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
                elif name == "bias":
                    p.copy_(0.1 * torch.randn(p.shape, generator=gen))
                elif name == "running_mean":
                    p.copy_(0.2 * torch.randn(p.shape, generator=gen))
                elif name == "running_var":
                    p.copy_(0.5 + torch.rand(p.shape, generator=gen))
                elif name == "num_batches_tracked":
                    p.fill_(1000)
                continue
            if p.dim() <= 1:  # biases
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
                continue
            if name == "pos_embedding":
                p.copy_(0.2 * torch.randn(p.shape, generator=gen))
                continue
            if isinstance(m, nn.ConvTranspose1d):
                fan = p.shape[0] * p.shape[2] / m.stride[0]
            else:
                fan = p[0].numel()
            std = min(0.2, max(0.05, 1.0 / math.sqrt(fan)))
            p.copy_(std * torch.randn(p.shape, generator=gen))


# ----------------------------------------------------------------------------
# Evil pickle
# ----------------------------------------------------------------------------
class _SystemCall:
    """Pickles as REDUCE(posix.system, ("echo ...",)); never executed here."""

    def __reduce__(self):
        return (os.system, ("echo melstudio-evil-fixture-should-never-run",))


def count(sd, prefix):
    ks = [k for k in sd if k.startswith(prefix)]
    return len(ks), sum(int(np.prod(sd[k].shape)) for k in ks)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


# ----------------------------------------------------------------------------
def write_manifest(out):
    global _DEV
    _DEV = "meta"
    try:
        unet, v1, v2, _ = build(FULL)
    finally:
        _DEV = None
    sd = assemble(unet, v1, v2, 0.3342401385307312)
    path = os.path.join(out, "audiosr_manifest.jsonl")
    with open(path, "w") as f:
        for k, v in sd.items():
            f.write(json.dumps({"name": k, "shape": list(v.shape)}) + "\n")
    print("full-size manifest: %d entries, %d params" % (len(sd), sum(int(np.prod(v.shape)) for v in sd.values())))
    ok = True
    print("  %-36s %8s %14s   %8s %14s" % ("prefix", "tensors", "params", "facts", "facts"))
    for p, (ft, fp) in FACTS.items():
        t, n = count(sd, p)
        flag = "ok" if (t, n) == (ft, fp) else "MISMATCH"
        ok &= flag == "ok"
        print("  %-36s %8d %14s   %8d %14s  %s" % (p, t, format(n, ","), ft, format(fp, ","), flag))
    n_total = sum(count(sd, p)[1] for p in ["model.diffusion_model.", "first_stage_model.", "cond_stage_models."])
    t_total = sum(count(sd, p)[0] for p in ["model.diffusion_model.", "first_stage_model.", "cond_stage_models."])
    print("  %-36s %8d %14s   %8d %14s  %s" % ("(modules total)", t_total, format(n_total, ","), 2116,
                                              format(1085830004, ","),
                                              "ok" if (t_total, n_total) == (2116, 1085830004) else "MISMATCH"))
    others = [k for k in sd if not k.startswith(("model.", "first_stage_model.", "cond_stage_models."))]
    print("  other entries:", ", ".join(others))
    if not ok:
        print("  WARNING: counts disagree with the facts table (not forced)")
    return sd


@torch.no_grad()
def make_tiny():
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(20240601)
    unet, vae1, vae2, _ = build(TINY)
    for m in (unet, vae1, vae2):
        randomize(m, gen)
        m.eval()
    sd = assemble(unet, vae1, vae2, TINY_SCALE_FACTOR, ema_count=4)

    # global-conditioned variant: same base weights + random global parts
    gunet, _, _, genc = build(TINY, TINY_GLOBAL)
    gunet.load_state_dict(unet.state_dict(), strict=False)
    gen_g = torch.Generator().manual_seed(777)
    for name, mod in gunet.named_modules():
        if name.endswith(("global_proj", "global_attn")):
            randomize(mod, gen_g)
    randomize(genc, gen_g)
    gunet.eval()
    genc.eval()
    gsd = assemble(gunet, vae1, vae2, TINY_SCALE_FACTOR, genc=genc, ema_count=4)
    for k in sd:  # base weights identical
        assert torch.equal(sd[k], gsd[k]), k
    return unet, vae1, vae2, gunet, genc, sd, gsd


@torch.no_grad()
def make_refs(unet, vae1, vae2, gunet, genc, sd, gsd):
    g = torch.Generator().manual_seed(4242)
    R = OrderedDict()
    # --- VAE -------------------------------------------------------------
    mel = torch.rand(1, 1, 32, 16, generator=g) * 13.0 - 11.0
    mel = F.avg_pool2d(F.pad(mel, (1, 1, 1, 1), mode="replicate"), 3, 1)  # smoother, still -11..2
    R["vae.mel"] = mel
    R["vae.moments"] = vae1.moments(mel)
    R["vae.z"] = torch.randn(1, 4, 16, 8, generator=g)
    R["vae.decoded"] = vae1.decode(R["vae.z"])
    R["cond.moments"] = vae2.moments(mel)
    # DiagonalGaussianDistribution(moments).sample() with a given eps
    mean, logvar = R["cond.moments"].chunk(2, dim=1)
    R["cond.eps"] = torch.randn(1, 4, 16, 8, generator=g)
    R["cond.z"] = mean + torch.exp(0.5 * torch.clamp(logvar, -30.0, 20.0)) * R["cond.eps"]
    # --- UNet ------------------------------------------------------------
    R["unet.x"] = torch.randn(2, 8, 16, 8, generator=g)
    R["unet.t"] = torch.tensor([981, 21], dtype=torch.int64)
    R["unet.out"] = unet(R["unet.x"], R["unet.t"])
    # --- vocoder ---------------------------------------------------------
    R["voc.mel"] = torch.rand(1, 16, 20, generator=g) * 10.0 - 9.0
    R["voc.wave"] = vae1.vocoder(R["voc.mel"])
    # --- schedule / DDIM -------------------------------------------------
    acp = sd["alphas_cumprod"]
    R["sched.alphas_cumprod"] = acp.clone()
    ts, a, ap, sig = ddim_params(acp, 50, 1.0)
    R["ddim.timesteps"], R["ddim.alphas"], R["ddim.alphas_prev"], R["ddim.sigmas"] = ts, a, ap, sig
    # one p_sample_ddim step with CFG at the first step (t=981, index 49)
    sf = sd["scale_factor"]
    x = torch.randn(1, 4, 16, 8, generator=g)
    c = R["cond.z"].clone()
    noise = torch.randn(1, 4, 16, 8, generator=g)
    index = 49
    t = torch.tensor([int(ts[index])], dtype=torch.int64)
    uncond = torch.full_like(c, UNCOND_VALUE)
    v_c = unet(torch.cat([x, c * sf], dim=1), t)
    v_u = unet(torch.cat([x, uncond * sf], dim=1), t)
    v = v_u + 3.5 * (v_c - v_u)
    sa, s1a = sd["sqrt_alphas_cumprod"][t].view(-1, 1, 1, 1), sd["sqrt_one_minus_alphas_cumprod"][t].view(-1, 1, 1, 1)
    e_t = sa * v + s1a * x
    pred_x0 = sa * x - s1a * v
    a_prev = torch.full((1, 1, 1, 1), float(ap[index]))
    sigma = torch.full((1, 1, 1, 1), float(sig[index]))
    x_prev = a_prev.sqrt() * pred_x0 + (1.0 - a_prev - sigma ** 2).sqrt() * e_t + sigma * noise
    R["ddim.one_step.x"], R["ddim.one_step.c"], R["ddim.one_step.noise"] = x, c, noise
    R["ddim.one_step.t"] = t
    R["ddim.one_step.index"] = torch.tensor(index, dtype=torch.int64)
    R["ddim.one_step.guidance"] = torch.tensor(3.5)
    R["ddim.one_step.v_cond"], R["ddim.one_step.v_uncond"], R["ddim.one_step.v"] = v_c, v_u, v
    R["ddim.one_step.e_t"], R["ddim.one_step.pred_x0"] = e_t, pred_x0
    R["ddim.one_step.x_prev"] = x_prev
    # --- mel front-end (full size) ---------------------------------------
    n = 24000
    tt = torch.arange(n, dtype=torch.float64) / 48000.0
    wave = (0.3 * torch.sin(2 * math.pi * 440.0 * tt) + 0.2 * torch.sin(2 * math.pi * 5000.0 * tt)
            + 0.01 * torch.randn(n, generator=g, dtype=torch.float64))
    wave = wave.float()
    basis = torch.from_numpy(mel_filterbank())
    mag = stft_mag(wave)
    R["mel.wave"] = wave
    R["mel.basis"] = basis
    R["mel.logmel"] = log_mel(mag, basis).T.contiguous()
    # --- cutoff ------------------------------------------------------------
    spec = np.fft.rfft(wave.double().numpy())
    spec[np.fft.rfftfreq(n, 1.0 / 48000) > 8000.0] = 0.0
    lp = torch.from_numpy(np.fft.irfft(spec, n)).float()
    lmag = stft_mag(lp).T.contiguous()  # [T, 1025]
    R["cutoff.wave"] = lp
    R["cutoff.mag"] = lmag
    R["cutoff.bin"] = torch.tensor(locate_cutoff(lmag, 0.985), dtype=torch.int64)
    # AudioSR's own path: pad_spec drops the last (odd) frequency column -> [T, 1024]
    R["cutoff.bin_audiosr"] = torch.tensor(locate_cutoff(lmag[:, :1024], 0.985), dtype=torch.int64)
    # --- global conditioning -----------------------------------------------
    gm = torch.rand(1, 1, 16, 24, generator=g) * 13.0 - 11.0
    R["global.mel"] = gm
    with torch.enable_grad():  # slow (reference) path of nn.TransformerEncoderLayer
        ctx = genc(gm).detach()
    R["global.ctx"] = ctx
    ctx_m = manual_global_encoder(gsd, gm, TINY_GLOBAL["heads"])
    assert torch.allclose(ctx, ctx_m, atol=1e-5, rtol=1e-5), (ctx - ctx_m).abs().max()
    with torch.enable_grad():
        R["global.unet.out"] = gunet(R["unet.x"], R["unet.t"], ctx.repeat(2, 1)).detach()
    return R


@torch.no_grad()
def self_checks(R, gunet):
    # global attention with K/V of length 1: softmax over one key is 1, so the
    # attention output is out_proj(v_proj(g)) whatever the query -- check that.
    st = gunet.middle_block[1]
    gk = st.global_proj(R["global.ctx"])[:, None, :]
    c = gk.shape[-1]
    xq = torch.randn(1, 7, c, generator=torch.Generator().manual_seed(5))
    with torch.enable_grad():
        got = st.global_attn(xq, gk, gk, need_weights=False)[0].detach()
    want = st.global_attn.out_proj(F.linear(gk, st.global_attn.in_proj_weight[2 * c:],
                                            st.global_attn.in_proj_bias[2 * c:])).expand(1, 7, c)
    assert torch.allclose(got, want, atol=1e-6), (got - want).abs().max()
    print("refs: vae.moments %s, vae.decoded %s, unet.out %s, voc.wave %s, mel.logmel %s"
          % (tuple(R["vae.moments"].shape), tuple(R["vae.decoded"].shape), tuple(R["unet.out"].shape),
             tuple(R["voc.wave"].shape), tuple(R["mel.logmel"].shape)))
    T = R["voc.mel"].shape[-1]
    assert R["voc.wave"].shape[-1] == 480 * T + 16, R["voc.wave"].shape
    for k in ("vae.moments", "vae.decoded", "cond.moments", "unet.out", "voc.wave", "ddim.one_step.x_prev",
              "global.ctx", "global.unet.out"):
        v = R[k]
        print("  %-22s mean %+.4f std %.4f min %+.4f max %+.4f" % (k, v.mean(), v.std(), v.min(), v.max()))
    d = (R["global.unet.out"] - R["unet.out"]).abs().max()
    print("  global conditioning changes unet.out by up to %.4f" % d)
    print("  cutoff.bin %d (%.0f Hz), cutoff.bin_audiosr %d" % (
        int(R["cutoff.bin"]), int(R["cutoff.bin"]) / 1024 * 24000, int(R["cutoff.bin_audiosr"])))
    empty = int((R["mel.basis"].sum(dim=1) == 0).sum())
    print("  mel basis: %d all-zero rows of 256" % empty)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output folder, e.g. tests/fixtures/models/sr")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    write_manifest(args.out)

    unet, vae1, vae2, gunet, genc, sd, gsd = make_tiny()
    # first/cond VAE must differ
    assert not torch.equal(sd["first_stage_model.encoder.conv_in.weight"],
                           sd["cond_stage_models.0.vae.encoder.conv_in.weight"])

    P = lambda name: os.path.join(args.out, name)
    # Size budget: of the second VAE's decoder, post_quant_conv and vocoder
    # (which inference never runs; the importer ignores them) only the first
    # tensor of each stays, enough to exercise the ignore rule.
    def trim(d):
        out, seen = OrderedDict(), set()
        for k, v in d.items():
            for pre in ("cond_stage_models.0.vae.decoder.", "cond_stage_models.0.vae.post_quant_conv.",
                        "cond_stage_models.0.vae.vocoder."):
                if k.startswith(pre):
                    if pre in seen:
                        break
                    seen.add(pre)
                    out[k] = v
                    break
            else:
                out[k] = v
        return out
    TRIMMED = trim(sd)
    torch.save({"state_dict": TRIMMED}, P("audiosr_tiny.pt"))
    # The global model doubles as the Lightning-style checkpoint.
    torch.save(OrderedDict([("epoch", 0), ("global_step", 0), ("pytorch-lightning_version", "1.9.0"),
                            ("state_dict", trim(gsd)), ("optimizer_states", []), ("lr_schedulers", [])]),
               P("audiosr_tiny_global.ckpt"))
    # Wrong shape: the schedule buffers, scale_factor and the UNet's output layer only.
    bad = OrderedDict((k, v) for k, v in sd.items()
                      if not k.startswith(("model", "first", "cond")) or k.startswith("model.diffusion_model.out."))
    w = bad["model.diffusion_model.out.2.weight"]
    bad["model.diffusion_model.out.2.weight"] = torch.cat([w, w[:1] * 0.5], dim=0)
    torch.save({"state_dict": bad}, P("audiosr_tiny_wrongshape.pt"))
    # Kept small (size budget): the schedule buffers, scale_factor, the REDUCE of
    # posix.system, then the first UNet tensors.  A loader must refuse it for the
    # global, before it could complain about missing keys.
    evil = OrderedDict((k, v) for k, v in sd.items() if not k.startswith(("model", "first", "cond")))
    evil["__melstudio_evil__"] = _SystemCall()
    for k in [k for k in sd if k.startswith("model.diffusion_model.")][:6]:
        evil[k] = sd[k]
    torch.save({"state_dict": evil}, P("audiosr_tiny_evil.pt"))

    R = make_refs(unet, vae1, vae2, gunet, genc, sd, gsd)
    torch.save(dict(R), P("audiosr_tiny_refs.pt"))
    self_checks(R, gunet)

    # ---- verification ------------------------------------------------------
    back = torch.load(P("audiosr_tiny.pt"), map_location="cpu", weights_only=True)["state_dict"]
    mine = assemble(unet, vae1, vae2, TINY_SCALE_FACTOR)
    rel = [k for k in back if not k.startswith("model_ema.")]
    assert rel == [k for k in mine.keys() if k in TRIMMED], "key mismatch"
    assert all(torch.equal(back[k], mine[k]) for k in rel)
    gback = torch.load(P("audiosr_tiny_global.ckpt"), map_location="cpu", weights_only=True)["state_dict"]
    gm = assemble(gunet, vae1, vae2, TINY_SCALE_FACTOR, genc=genc)
    gtrim = trim(gsd)
    assert [k for k in gback if not k.startswith("model_ema.")] == [k for k in gm.keys() if k in gtrim]
    try:
        torch.load(P("audiosr_tiny_evil.pt"), map_location="cpu", weights_only=True)
        raise SystemExit("evil pickle was accepted by the weights_only unpickler")
    except (pickle.UnpicklingError, RuntimeError, AttributeError, ValueError):
        pass
    with zipfile.ZipFile(P("audiosr_tiny_evil.pt")) as z:
        pk = [n for n in z.namelist() if n.endswith("data.pkl")][0]
        ops = [(op.name, arg) for op, arg, _ in pickletools.genops(z.read(pk))]
    globs = [a for o, a in ops if o in ("GLOBAL", "STACK_GLOBAL")]
    assert "posix system" in globs, globs
    print("verification: tiny keys match modules (%d + %d model_ema), global keys match, "
          "evil pickle rejected by weights_only and references %r" % (
              len(rel), len(back) - len(rel), "posix system"))

    print("files:")
    for name in sorted(os.listdir(args.out)):
        p = P(name)
        if not (name.startswith("audiosr_")):
            continue
        if name.endswith(".jsonl"):
            n = sum(1 for _ in open(p))
        elif name == "audiosr_tiny_evil.pt":
            n = len(evil)
        else:
            obj = torch.load(p, map_location="cpu", weights_only=True)
            n = len(obj["state_dict"]) if "state_dict" in obj else len(obj)
        kb = os.path.getsize(p) / 1024.0
        print("  %-30s %9.1f KB  %5d keys  sha256 %s%s" % (name, kb, n, sha(p),
                                                         "  (OVER 2.5 MB)" if kb > 2560 else ""))


if __name__ == "__main__":
    main()

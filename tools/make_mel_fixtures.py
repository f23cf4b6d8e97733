#!/usr/bin/python3
"""Reference log-mel fixtures from torchaudio (an independent implementation).

Run with Debian's python3 (python3-torchaudio). Writes tests/fixtures/dsp/*.safetensors:
each holds "wave" (the input, F32) and "logmel" (torchaudio MelSpectrogram with
melstudio's parameters, then log(clamp(mel, 1e-5))), plus "fbank" once.
The C++ test (tests/dsp/tst_logmel.cpp) recomputes and compares.
"""
import json, os, struct, sys
import torch, torchaudio

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'dsp')
os.makedirs(out, exist_ok=True)
SR = 44100

def save(path, tensors, meta):
    header, blobs, off = {'__metadata__': meta}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for b in blobs: f.write(b)

mel = torchaudio.transforms.MelSpectrogram(sample_rate=SR, n_fft=2048, hop_length=512, n_mels=128)
g = torch.Generator().manual_seed(1234)
t = torch.arange(int(2.0 * SR)) / SR
# A kick-like test signal: pitch-swept decaying sine, a click, and a little noise.
f = 45 + 120 * torch.exp(-t * 30)
phase = 2 * torch.pi * torch.cumsum(f, 0) / SR
kick = torch.sin(phase) * torch.exp(-t * 6) + 0.3 * torch.exp(-t * 400) * torch.randn(t.shape, generator=g)
kick = 0.8 * kick / kick.abs().max()
# An odd length with broadband content (a chirp and noise).
t2 = torch.arange(54321) / SR
chirp = 0.5 * torch.sin(2 * torch.pi * (100 * t2 + 8000 * t2 * t2)) + 0.05 * torch.randn(t2.shape, generator=g)
for name, w in (('kick_2s', kick), ('chirp_odd', chirp)):
    lm = torch.log(torch.clamp(mel(w.unsqueeze(0)), min=1e-5))
    save(os.path.join(out, name + '.safetensors'), {'wave': w, 'logmel': lm},
         {'source': 'torchaudio ' + torchaudio.__version__ + ' MelSpectrogram(44100, 2048, 512, 128)'})
save(os.path.join(out, 'fbank.safetensors'), {'fbank': mel.mel_scale.fb}, {'source': 'torchaudio melscale_fbanks htk'})
print('wrote fixtures to', out, 'shape', tuple(lm.shape))

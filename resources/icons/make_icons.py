#!/usr/bin/env python3
"""Draws the studio's icons as 64x64 PNGs with the standard library only
(Debian's Qt has no SVG plugin by default). The .svg files beside them are the
same drawings for systems that have one. Run: python3 make_icons.py"""
import math, struct, zlib, os, sys

N, SS = 64, 4  # size, supersampling per axis

def png(path, px):
    raw = b''.join(b'\x00' + bytes(v for p in row for v in p) for row in px)
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', N, N, 8, 6, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

def poly_inside(pts, x, y):
    c, j = False, len(pts) - 1
    for i in range(len(pts)):
        xi, yi = pts[i]; xj, yj = pts[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi: c = not c
        j = i
    return c

def rrect(x, y, w, h, r):
    pts = []
    for cx, cy, a0 in ((x + w - r, y + r, -90), (x + w - r, y + h - r, 0), (x + r, y + h - r, 90), (x + r, y + r, 180)):
        for k in range(7):
            a = math.radians(a0 + k * 15); pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts

def circle(cx, cy, r): return [(cx + r * math.cos(a / 24 * 2 * math.pi), cy + r * math.sin(a / 24 * 2 * math.pi)) for a in range(24)]

def line(pts, w):
    """A thick polyline as a list of quads plus round joints."""
    shapes = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        dx, dy = x1 - x0, y1 - y0; L = math.hypot(dx, dy) or 1; nx, ny = -dy / L * w / 2, dx / L * w / 2
        shapes.append([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])
    for p in pts: shapes.append(circle(p[0], p[1], w / 2))
    return shapes

def hexc(h): return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))

def draw(layers):
    """layers: list of (colour, [polygons]) in 32x32 units, painted in order."""
    acc = [[[0.0, 0.0, 0.0, 0.0] for _ in range(N)] for _ in range(N)]
    for colour, polys in layers:
        polys = [[(x * N / 32, y * N / 32) for x, y in p] for p in polys]
        boxes = [(min(p[0] for p in q), max(p[0] for p in q), min(p[1] for p in q), max(p[1] for p in q)) for q in polys]
        r, g, b = hexc(colour)
        for py in range(N):
            for px in range(N):
                cov = 0
                for sy in range(SS):
                    for sx in range(SS):
                        x, y = px + (sx + 0.5) / SS, py + (sy + 0.5) / SS
                        if any(bx0 <= x <= bx1 and by0 <= y <= by1 and poly_inside(q, x, y)
                               for q, (bx0, bx1, by0, by1) in zip(polys, boxes)):
                            cov += 1
                a = cov / (SS * SS)
                if a == 0: continue
                d = acc[py][px]
                for i, v in enumerate((r, g, b)): d[i] = v * a + d[i] * (1 - a)
                d[3] = a + d[3] * (1 - a)
    return [[(int(d[0]), int(d[1]), int(d[2]), int(round(d[3] * 255))) for d in row] for row in acc]

def wave():
    return [(4 + i * 0.5, 17 - 9 * math.sin(i * 0.45) * math.exp(-i * 0.045)) for i in range(49)]

ICONS = {
    'melstudio': [('#1d2330', [rrect(1, 1, 30, 30, 7)]), ('#f8943a', line(wave(), 2.4)),
                  ('#42a5f5', [circle(10, 24, 3.2), rrect(12.4, 10, 1.8, 14, 0.5)])],
    'generate': [('#f8943a', [[(16 + 13 * math.cos(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.45),
                                16 + 13 * math.sin(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.45)) for k in range(10)]])],
    'compare': [('#42a5f5', [rrect(3, 6, 11, 20, 2)]), ('#f8943a', [rrect(18, 6, 11, 20, 2)])],
    'train': [('#888888', line([(3, 29), (29, 29)], 1.5)), ('#66bb6a', line([(3, 26), (9, 18), (14, 21), (20, 10), (29, 5)], 3))],
    'models': [('#bbbbbb', line([(16, 10), (16, 16)], 2) + line([(8, 16), (24, 16)], 2) + line([(8, 16), (8, 22)], 2) + line([(24, 16), (24, 22)], 2)),
               ('#ab47bc', [rrect(11, 3, 10, 7, 1.5), rrect(3, 22, 10, 7, 1.5), rrect(19, 22, 10, 7, 1.5)])],
    'dataset': [('#1a8fa0', [rrect(5, 7, 22, 22, 4)]), ('#26c6da', [[(5 + 22 * k / 23, 7 - 4 * math.sin(math.pi * k / 23)) for k in range(24)] +
                                                            [(5 + 22 * k / 23, 7 + 4 * math.sin(math.pi * k / 23)) for k in range(23, -1, -1)]]
                                                          + line([(5, 15), (27, 15)], 1.2) + line([(5, 22), (27, 22)], 1.2))],
    'open': [('#e0b050', [[(3, 8), (12, 8), (14, 11), (29, 11), (29, 26), (3, 26)]])],
    'play': [('#66bb6a', [[(9, 5), (27, 16), (9, 27)]])],
    'stop': [('#ef5350', [rrect(7, 7, 18, 18, 2)])],
    'export': [('#999999', line([(5, 22), (5, 28), (27, 28), (27, 22)], 2.5)), ('#42a5f5', line([(16, 3), (16, 20)], 3) + line([(9, 13), (16, 20), (23, 13)], 3))],
    'lock': [('#bbbbbb', line([(11, 14), (11, 10), (13, 6.5), (16, 5.5), (19, 6.5), (21, 10), (21, 14)], 3)), ('#e0b050', [rrect(7, 14, 18, 14, 2)])],
    # Tokenizer: a grid of bits (light = +1, dark = -1), as the page draws the bit-planes.
    'tokenizer': [('#1d2a4a', [rrect(3 + 7 * c, 5 + 7 * r, 5.5, 5.5, 1) for r in range(3) for c in range(4) if (r * 5 + c * 3) % 4 in (0, 3)]),
                  ('#f5c542', [rrect(3 + 7 * c, 5 + 7 * r, 5.5, 5.5, 1) for r in range(3) for c in range(4) if (r * 5 + c * 3) % 4 not in (0, 3)])],
    # Latent: channels over time, a diverging heat map.
    'latent': [('#42a5f5', [rrect(3, 5 + 6 * r, 26, 4, 1.5) for r in (0, 2, 3)]), ('#ef7a5a', [rrect(3, 5 + 6 * r, 26, 4, 1.5) for r in (1,)]),
               ('#ffffff', [rrect(9 + 5 * r, 5 + 6 * r, 6, 4, 1) for r in range(4)])],
    'dice': [('#777777', [rrect(4, 4, 24, 24, 5)]), ('#eeeeee', [rrect(5, 5, 22, 22, 4.5)]),
             ('#222222', [circle(10, 10, 2.2), circle(16, 16, 2.2), circle(22, 22, 2.2)])],
}

if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    only = set(sys.argv[1:])   # names to draw (default: all)
    for name, layers in ICONS.items():
        if only and name not in only: continue
        png(os.path.join(here, name + '.png'), draw(layers))
        print(name)

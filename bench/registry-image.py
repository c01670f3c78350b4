#!/usr/bin/env python3
"""Writes a 4-layer OCI image layout for bench/registry.sh: random, text-like, mixed and many-small-files
layers (gzip), about SIZE MiB of layer blobs in all (default 200). Deterministic for a given seed.

usage: registry-image.py DIR [SIZE_MIB]
"""
import gzip, hashlib, io, json, os, random, sys, tarfile

out = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rng = random.Random(42)
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(5000)]


def text(size):
    lines, n = [], 0
    while n < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + "\n"
        lines.append(line)
        n += len(line)
    return "".join(lines).encode()[:size]


def layer(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
            tar.addfile(info, io.BytesIO(data))
    diff = raw.getvalue()
    return gzip.compress(diff, compresslevel=6, mtime=0), hashlib.sha256(diff).hexdigest()


def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
    with open(f"{out}/blobs/sha256/{digest}", "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


mib = 1 << 20
quarter = total * mib // 4
layers = [
    # incompressible: gzip keeps its size
    [(f"random/{i}.bin", rng.randbytes(quarter // 8)) for i in range(8)],
    # text compresses about 2x: twice the bytes to land near a quarter
    [(f"text/{i}.txt", text(quarter * 21 // 100)) for i in range(10)],
    # mixed: binaries and text side by side
    [(f"mixed/{i}.{'bin' if i % 2 else 'txt'}", rng.randbytes(quarter // 12) if i % 2 else text(quarter // 6))
     for i in range(12)],
    # many small files, half random
    [(f"small/{i // 100}/{i}", rng.randbytes(rng.randint(1000, 20000)) if i % 2 else text(rng.randint(1000, 20000)))
     for i in range(quarter // 10000)],
]
descriptors, diff_ids = [], []
for files in layers:
    compressed, diff_id = layer(files)
    descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **blob(compressed)})
    diff_ids.append("sha256:" + diff_id)
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(config)},
                       "layers": descriptors}).encode()
with open(f"{out}/index.json", "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
               **blob(manifest), "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
with open(f"{out}/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
print(f"{out}: " + ", ".join(f"{d['size'] / mib:.1f} MiB" for d in descriptors))

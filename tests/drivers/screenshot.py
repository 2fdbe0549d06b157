"""Make the README's screenshot of the page, on the bundled seeds.

    python -m tests.drivers.screenshot docs/screenshot.png

Builds the seed index in a temporary folder, starts ``ydsearch serve`` and a
headless Chromium (as ``tests/test_browser.py`` does), types the query into
the page (optionally clicks a year facet), and saves the window as a PNG.  The
fonts are the system's (Debian: ``fonts-noto-cjk`` draws the Chinese).
"""
import argparse
import sys
import tempfile
from pathlib import Path

from tests.drivers.browser import Server, chromium, quit_chromium, wait_for


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="docs/screenshot.png", help="PNG to write")
    ap.add_argument("--query", default="一体化", help="query typed into the page")
    ap.add_argument("--year", default="", help="a year facet to click after typing")
    ap.add_argument("--chart", default="year", choices=("year", "speaker"))
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--height", type=int, default=880)
    ap.add_argument("--phone", action="store_true", help="a 390 px wide phone screen")
    args = ap.parse_args(argv)

    from ydsearch import bundled_seeds
    from ydsearch.engine.index import Index

    with tempfile.TemporaryDirectory(prefix="ydsearch-shot-") as tmp:
        path = Path(tmp) / "index"
        with Index.create(path) as ix:
            ix.add(bundled_seeds())
        with Server(path) as server:
            drv = chromium(args.width, args.height, phone=args.phone)
            try:
                drv.get(server.url + "/" + ("?chart=speaker" if args.chart == "speaker" else ""))
                drv.find_element("css selector", "#q").send_keys(args.query)
                wait_for(lambda: drv.find_elements("css selector", "#results .hit mark"))
                if args.year:
                    drv.find_element("css selector", f'.facet[data-facet="year"] '
                                                     f'a[data-value="{args.year}"]').click()
                    wait_for(lambda: f"year={args.year}" in drv.current_url)
                drv.execute_script("document.activeElement.blur()")
                out = Path(args.out)
                out.parent.mkdir(parents=True, exist_ok=True)
                if not drv.save_screenshot(str(out)):
                    print(f"could not write {out}", file=sys.stderr)
                    return 1
                print(f"wrote {out} ({out.stat().st_size:,} bytes) from {drv.current_url}",
                      file=sys.stderr)
            finally:
                quit_chromium(drv)
    return 0


if __name__ == "__main__":
    sys.exit(main())

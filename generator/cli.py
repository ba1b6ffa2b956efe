"""Command line: build / serve / check / new. Maps a SiteError to exit 1 and misuse to exit 2."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SiteError, UsageError


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on misuse, as the contract says; keep its message short
        self.print_usage(sys.stderr)
        raise SystemExit(f"therapist-site: error: {message}") from None


def parser() -> argparse.ArgumentParser:
    main = Parser(prog="therapist-site", description="Build a therapy practice's static site.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=Parser)
    build = commands.add_parser("build", help="build the site into the output folder")
    build.add_argument("--source", type=Path, default=Path("."), help="the site folder (default: .)")
    build.add_argument("--output", type=Path, help="where to write the site (default: <source>/public)")
    build.add_argument("--drafts", action="store_true", help="include drafts and future-dated articles")
    build.add_argument("--no-cache", action="store_true", help="ignore the build cache")
    build.add_argument("--base-url", default="", help="use this address instead of site.yaml's base_url")
    check = commands.add_parser("check", help="check every source and link, write nothing")
    check.add_argument("--source", type=Path, default=Path("."))
    return main


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 2
        return exc.code or 0
    try:
        return COMMANDS[args.command](args)
    except SiteError as exc:
        print(exc.report(), file=sys.stderr)
        print("Nothing was written; fix the problems above and run the command again.", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"therapist-site: {exc}", file=sys.stderr)
        return 2


def _build(args) -> int:
    from .build import Options, build

    source = args.source
    if not source.is_dir():
        raise UsageError(f"the source folder {source} does not exist")
    options = Options(source=source, output=args.output or source / "public", drafts=args.drafts,
                      base_url=args.base_url)
    result = build(options)
    site = result.site
    print(f"Built {result.files} files ({len(site.articles)} articles, {len(site.therapists)} therapists, "
          f"{len(site.pages)} pages) into {options.output} in {result.seconds:.2f} s")
    return 0


def _check(args) -> int:
    from .build import Options, load_site

    site = load_site(Options(source=args.source, output=args.source / "public"))
    print(f"No problems found: {len(site.articles)} articles, {len(site.therapists)} therapists, "
          f"{len(site.pages)} pages.")
    return 0


COMMANDS = {"build": _build, "check": _check}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

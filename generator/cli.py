"""Command line: build / serve / check / new / init. Maps a SiteError to exit 1 and misuse to exit 2.

Input: the arguments. Output: what people read: one summary line, warnings after it, every problem as
``path:line: field: message; hint``. Errors and warnings go to stderr, the summary to stdout.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import Problem, SiteError, ToolError, UsageError, os_error


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on misuse, as the contract says; keep its message short
        self.print_usage(sys.stderr)
        raise SystemExit(f"therapist-site: error: {message}") from None


def parser() -> argparse.ArgumentParser:
    main = Parser(prog="therapist-site", description="Build a therapy practice's static site.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=Parser)
    source = {"type": Path, "default": Path("."), "help": "the site folder (default: the current folder)"}

    build = commands.add_parser("build", help="build the site into the output folder")
    build.add_argument("--source", **source)
    build.add_argument("--output", type=Path, help="where to write the site (default: <source>/public)")
    build.add_argument("--drafts", action="store_true", help="include drafts and future-dated articles")
    build.add_argument("--no-cache", action="store_true", help="ignore the build cache")
    build.add_argument("--base-url", default="", help="use this address instead of site.yaml's base_url")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors: build nothing")
    talk = build.add_mutually_exclusive_group()
    talk.add_argument("-v", "--verbose", action="store_true", help="also print the time of each stage")
    talk.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    serve = commands.add_parser("serve", help="preview the site in a browser; pages reload when you save")
    serve.add_argument("--source", **source)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")

    check = commands.add_parser("check", help="check every source and internal link, write nothing")
    check.add_argument("--source", **source)
    check.add_argument("--drafts", action="store_true", help="also check drafts and future-dated articles")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    new = commands.add_parser("new", help="start a new article or therapist profile from a template")
    new.add_argument("kind", choices=("article", "therapist"), help="what to create")
    new.add_argument("title", help='the article\'s title or the therapist\'s full name, in quotes')
    new.add_argument("--slug", default="", help="the file name and web address to use (lowercase letters a-z, "
                     "digits and dashes), when the title or name gives none, e.g. --slug li-wei")
    new.add_argument("--source", **source)

    init = commands.add_parser("init", help="start a new site of your own in a new folder")
    init.add_argument("folder", type=Path, help="the folder to create, e.g. mysite")
    init.add_argument("--name", help='the practice\'s name, in quotes: "Riverside Counseling"')
    init.add_argument("--url", help="the address where the site will live: https://www.riverside-counseling.org/")
    init.add_argument("--country", help="a two-letter country code for the crisis line and fees: US, CA, GB ...")
    init.add_argument("--time-zone", help="the practice's time zone, e.g. America/Los_Angeles")
    letter = commands.add_parser("newsletter", help="write an email-ready issue of the articles since the last one")
    choice = letter.add_mutually_exclusive_group()
    choice.add_argument("--since", metavar="DATE", help="the articles published on or after DATE (YYYY-MM-DD)")
    choice.add_argument("--last", metavar="N", type=int, help="the N newest articles")
    letter.add_argument("--output", type=Path, help="where to write the issue (default: <source>/newsletter)")
    letter.add_argument("--source", **source)

    move = commands.add_parser("import", help="move an existing blog in: a WordPress or Squarespace export, or a "
                               "Jekyll or Hugo folder")
    move.add_argument("kind", choices=("wordpress", "jekyll", "hugo"), help="what the blog was made with")
    move.add_argument("path", type=Path, help="the export file (WordPress, Squarespace) or the blog's folder")
    move.add_argument("--source", **source)
    move.add_argument("--fetch-images", action="store_true",
                      help="download pictures the posts show from other websites into content/media/")
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
    except ToolError as exc:
        print(f"therapist-site: {exc}", file=sys.stderr)
        print("The published site was not changed.", file=sys.stderr)
        return 2
    except BrokenPipeError:  # what reads our output stopped reading (| head): nothing more can be said
        return 128 + 13  # as a Unix tool ended by SIGPIPE; not the output folder's fault
    except OSError as exc:  # the system refused: a full disk, a read-only one, /proc, a name too long
        source = getattr(args, "source", None) or Path(".")
        code, line = os_error(exc, source, getattr(args, "output", None) or source / "public")
        print(line, file=sys.stderr)
        if code == 1:
            print("Nothing was written; fix the problem above and run the command again.", file=sys.stderr)
        return code
    except KeyboardInterrupt:  # Ctrl-C: the staging folder is removed and the published site was never touched
        print("therapist-site: stopped; the published site was not changed.", file=sys.stderr)
        return 130


def _site_folder(source: Path) -> Path:
    if not source.is_dir():
        raise UsageError(f"the source folder {source} does not exist")
    return source


def _build(args) -> int:
    from .build import Options, build
    from .progress import Stages
    from .schema import URL_RE

    source = _site_folder(args.source)
    if args.base_url and not URL_RE.fullmatch(args.base_url):  # the flag's mistake, not site.yaml's
        raise UsageError(f"--base-url: expected an absolute address like https://preview.example.org/, found "
                         f"{args.base_url!r}")
    options = Options(source=source, output=args.output or source / "public", drafts=args.drafts,
                      base_url=args.base_url, strict=args.strict, cache=not args.no_cache)
    stages = Stages(bar=False) if args.quiet else Stages()
    result = build(options, stages)
    if args.quiet:
        return 0
    if args.verbose:
        print(stages.report())
    output = options.output
    if result.site is None:
        print(f"Nothing changed since the last build: {output} is up to date ({result.seconds:.2f} s)")
        _print_warnings(result.warnings, "the site was built")
        return 0
    pages = result.pages
    print(f"Built {_count(pages, 'page')} ({_count(result.articles, 'article')}, "
          f"{_count(result.therapists, 'therapist')}) and {_count(result.files - pages, 'other file')} into {output} "
          f"in {result.seconds:.2f} s")
    _print_warnings(result.warnings, "the site was built")
    _print_scheduled(result.site.scheduled)
    return 0


def _print_scheduled(articles) -> None:
    """Say which articles wait for their date: nothing else would tell why an article is missing from the site."""
    if not articles:
        return
    one = len(articles) == 1
    print(f"{_count(len(articles), 'article waits', 'articles wait')} for {'its' if one else 'their'} date and "
          f"{'is' if one else 'are'} not on the site yet; a static site cannot publish by itself, so build and publish "
          f"again on or after {'that date' if one else 'each date'}:")
    for article in articles:
        print(f"  {article.date:%Y-%m-%d %H:%M}  {article.source}")


def _print_warnings(warnings: tuple[Problem, ...], done: str) -> None:
    if not warnings:
        return
    count = len(warnings)
    print(f"{count} warning{'s' if count != 1 else ''} ({done}; fix these when you can, or use --strict to "
          "treat them as errors):", file=sys.stderr)
    for warning in warnings:
        print(warning, file=sys.stderr)


def _check(args) -> int:
    from .build import Options, load_site
    from .links import check_links, route_map
    from .lint import warnings as find_warnings
    from .render import render

    source = _site_folder(args.source)
    site = load_site(Options(source=source, output=source / "public", drafts=args.drafts))
    problems = check_links(site, route_map(render(site, source)), source)
    warnings = find_warnings(site, source)
    if problems or (args.strict and warnings):
        raise SiteError(problems + (list(warnings) if args.strict else []))
    found = "No errors, and the warnings below" if warnings else "No problems found"
    print(f"{found}: {_count(len(site.articles), 'article')}, {_count(len(site.therapists), 'therapist')}, "
          f"{_count(len(site.pages), 'page')}, every internal link leads somewhere.")
    _print_warnings(warnings, "nothing is broken")
    _print_scheduled(site.scheduled)
    return 0


def _serve(args) -> int:
    from .scaffold import require_site
    from .serve import serve

    source = _site_folder(args.source)
    require_site(source)  # not a site: nothing to preview, and no .cache/ made in a folder that is not one
    return serve(source, args.host, args.port)


def _new(args) -> int:
    from .scaffold import new_article, new_therapist

    source = _site_folder(args.source)
    if args.kind == "article":
        path = new_article(source, args.title, args.slug)
        print(f"Created {path}: a draft. Write the article, then set 'draft: false' to publish it.")
    else:
        path = new_therapist(source, args.title, args.slug)
        print(f"Created {path}: fill in the fields (each has a note after '#'), then build or serve to see it.")
    return 0


def _init(args) -> int:
    from .init import COUNTRIES, answers, init

    given = {"name": args.name, "url": args.url, "country": args.country, "time_zone": args.time_zone}
    try:
        values = answers(given, input if sys.stdin.isatty() else None)
    except (EOFError, KeyboardInterrupt) as exc:  # Ctrl-D or Ctrl-C at a question: nothing was written yet
        print("\ntherapist-site: init stopped; no folder was created.", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    init(args.folder, values)
    print(f"Created a new site in {args.folder}. Next:\n"
          f"  cd {args.folder}\n"
          "  therapist-site serve      # see it at http://127.0.0.1:8000/ while you edit\n"
          "Then write your profile in therapists/your-name.yaml (rename the file to your own name), the welcome "
          "article in content/articles/welcome.md, and About in content/pages/about.md. "
          "When it is ready: therapist-site build --strict, and upload the public/ folder.")
    if values["country"].upper() not in COUNTRIES:
        print(f"Note: therapist-site does not know the crisis lines of {values['country'].upper()}; until you write "
              f"yours in {args.folder / 'site.yaml'} (crisis), every page shows the US 988 Lifeline.",
              file=sys.stderr)
    return 0


def _newsletter(args) -> int:
    from .build import Options, load_site
    from .newsletter import check_choice, choose, make, missing, write

    source = _site_folder(args.source)
    since = check_choice(args.since, args.last)
    output = args.output or source / "newsletter"
    site = load_site(Options(source=source, output=output))
    articles, chosen = choose(site, source, since, args.last)
    if not articles:
        print(f"No issue written: {chosen}. Publish an article first, or choose with --since DATE or --last N.")
        return 0
    issue = make(site, source, articles, chosen)
    again = (output / f"{issue.name}.html").exists()  # an issue is named by its day: a second one replaces it
    html, text = write(issue, source, output)
    print(f"Wrote {html} and {text}{' (replacing the issue written earlier that day)' if again else ''}: {chosen}.")
    lacking = missing(site)
    for what in lacking:
        print(f"Before you send it: this issue has {what}.", file=sys.stderr)
    if lacking:
        print("Laws on bulk email (CAN-SPAM in the US, the GDPR in Europe) ask every issue for a way to unsubscribe "
              "and the sender's postal address, and list providers may close an account that sends without them.",
              file=sys.stderr)
    print("Paste the .html file into your newsletter service as the email's HTML, and the .txt file as its "
          "plain text (docs/newsletter.md). The next issue starts after this one.")
    return 0


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _import(args) -> int:
    from .importers import run

    site = _site_folder(args.source)
    done = run(args.kind, args.path, site, args.fetch_images)
    drafts = f" ({done.drafts} of them {'a draft' if done.drafts == 1 else 'drafts'})" if done.drafts else ""
    print(f"Imported {_count(done.articles, 'article')}{drafts}, {_count(done.pages, 'page')}, "
          f"{_count(done.authors, 'guest author')} and {_count(done.files, 'picture or file', 'pictures and files')}"
          f" into {'this folder' if site.resolve() == Path.cwd() else site}.")
    if done.notes:
        count = len(done.notes)
        what = "1 thing could not be carried over as it was" if count == 1 else \
            f"{count} things could not be carried over as they were"
        print(f"{what}; look at each:", file=sys.stderr)
        for note in done.notes:
            print(note, file=sys.stderr)
    print("Next: run 'therapist-site build' (or 'serve') and read the site before publishing it.")
    return 0


COMMANDS = {"build": _build, "serve": _serve, "check": _check, "new": _new, "init": _init, "newsletter": _newsletter,
            "import": _import}


def run() -> None:
    """The command line (``therapist-site``, ``python -m generator``): ``main``, then exit with its code without
    tearing the interpreter down. Freeing a built site's objects one by one took 0.06 s at the end of a cold
    build of 1,000 articles; the system frees them at once. What was printed is flushed first; no command leaves
    anything else for the exit to do (pools are closed, helper programs die with this process)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a closed pipe: nobody is left to read it
            code = code or 128 + 13
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()

"""The query's words and filter options, shared by ``query``, ``trend`` and
``speakers``: words left over on the command line (a leading ``-`` negates),
``--speaker``/``--year``/… validated one by one and mapped onto the values the
index holds, and the message when nothing matches."""
import shlex

import click

from .common import info

FILTER_KEYS = ("speaker", "year", "date_from", "date_to", "city", "province", "meeting", "kind")
OPTION_NAMES = {"date_from": "from", "date_to": "to"}
# Stands for a leading "-" of a query word while click parses (argv holds no NUL).
_NEGATION = "\x00"


# -- query words --------------------------------------------------------------------------
class WordsCommand(click.Command):
    """A command whose QUERY is the words left over, so ``query 生态绿色 示范区``
    needs no quotes and ``query -疫情 长三角`` excludes 疫情.

    Before click parses, a word that starts with ``-`` and is not an option is
    kept as a query word when what follows the dash cannot be an option (a
    Han character, a quote or bracket, or a ``field:`` prefix).  Other unknown
    options (``-x``, ``--bogus``) stay errors, with a hint (see ``group``).
    """

    takes_words = True

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, self._protect(ctx, list(args)))

    def _protect(self, ctx, args):
        names, valued = set(), set()
        for p in self.get_params(ctx):
            if isinstance(p, click.Option):
                names.update(p.opts + p.secondary_opts)
                if not p.is_flag and not p.count:
                    valued.update(p.opts)
        out, skip = [], False
        for i, a in enumerate(args):
            if skip:
                out.append(a)
                skip = False
            elif a == "--":
                out.extend(args[i:])
                break
            elif a.startswith("-") and len(a) > 1:
                name = a.split("=", 1)[0]
                if name in names or (a[:2] in valued and not a.startswith("--")):
                    out.append(a)
                    skip = name in valued and "=" not in a
                elif _negated_word(a):
                    out.append(_NEGATION + a[1:])
                else:
                    import difflib

                    raise click.NoSuchOption(name, possibilities=difflib.get_close_matches(
                        name, sorted(names), n=1, cutoff=0.7), ctx=ctx)
            else:
                out.append(a)
        return out


def _negated_word(arg: str) -> bool:
    first = arg[1]
    return not first.isascii() or first in "\"'(" or (":" in arg and not arg.startswith("--"))


def words_argument(required=True):
    return click.argument("words", nargs=-1, required=required, metavar="QUERY...")


def query_text(words) -> str:
    """The query string of the words given (a leading dash restored)."""
    return " ".join(("-" + w[1:]) if w.startswith(_NEGATION) else w for w in words)


# -- filters ------------------------------------------------------------------------------
def filter_options(f):
    """The filter options shared by ``query``, ``trend`` and ``speakers``."""
    opts = [
        click.option("--speaker", help="Only passages by this speaker (李强, 李強)."),
        click.option("--year", help="A year or range: 2019, 2019..2021, ..2020, 2022.."),
        click.option("--from", "date_from", metavar="DATE",
                     help="On or after this date: 2020, 2020-06 or 2020-06-05."),
        click.option("--to", "date_to", metavar="DATE", help="On or before this date."),
        click.option("--city", help="Meeting city (芜湖 or 芜湖市)."),
        click.option("--province", help="Meeting province (安徽, 安徽省, 上海)."),
        click.option("--meeting", help="Words of the meeting name (主要领导座谈会)."),
        click.option("--kind", type=click.Choice(["body", "heading", "caption"]),
                     help="Paragraph kind."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def given_filters(kw) -> dict:
    return {k: kw.get(k) for k in FILTER_KEYS if kw.get(k) not in (None, "")}


def checked_filters(kw) -> dict:
    """The filter options, each validated on its own so an error names the option."""
    import re

    from ..errors import QuerySyntaxError
    from ..query.search import filter_nodes

    filters = given_filters(kw)
    for k, v in filters.items():
        try:
            filter_nodes(**{k: v})
        except QuerySyntaxError as e:
            msg = re.sub(r" at column \d+", "", str(e))
            raise QuerySyntaxError(f"--{OPTION_NAMES.get(k, k)} {v}: {msg}") from None
    return filters


def resolved_filters(ix, kw):
    """Validated filters mapped onto the values the index holds (芜湖市 → 芜湖), each
    change said on stderr; returns the :class:`~ydsearch.query.suggest.ResolvedFilters`."""
    from ..query.suggest import resolve_filters

    resolved = resolve_filters(ix, **checked_filters(kw))
    for name, given, used in resolved.changed:
        info(f"--{name} {given}: searching {used}, the form the index holds")
    return resolved


def no_match_message(ix, query, kw, resolved, hint, subject="no passage matches") -> str:
    """``no passage matches '…' with --speaker X; no speaker X in the index; did you mean Y?``"""
    from ..query.suggest import describe_unknown, unknown_query_fields

    text = f"{subject} {described(query, kw)}"
    unknown = [describe_unknown(u) for u in resolved.unknown + unknown_query_fields(ix, query)]
    return text + ("; " + "; ".join(unknown) if unknown else f"; {hint}")


def described(query, kw) -> str:
    """``'科技创新' with --speaker 李强 --year 2019`` for the no-results hint."""
    opts = " ".join(f"--{OPTION_NAMES.get(k, k)} {_quote(v)}" for k, v in given_filters(kw).items())
    if not (query or "").strip():
        return opts
    return repr(query) + (f" with {opts}" if opts else "")


def _quote(value):
    value = str(value)
    plain = value and not any(c.isspace() or c in "'\"\\$`!*?&;|<>()" for c in value)
    return value if plain else shlex.quote(value)

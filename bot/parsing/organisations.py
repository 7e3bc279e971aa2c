"""Organisations in a note, and what the note says about people's companies, roles and nicknames.

"Sunil from Plaid", "Kai Berg (Vandelay)", "Initrode's COO Mei Tanaka", "Mei Tanaka, COO at
Initrode", "Hooli's CTO, Dev Patel,", "(Stark Industries CFO)", "moving to Intercom as Head of
Partnerships", "works at Hooli"; nicknames: "Anna-Lena Vogt (AL)", "Antoine Moreau ('Tony')",
"(goes by Mai)". A name span that turns out to be an organisation stops being a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.parsing.doc import Doc, Token
from bot.parsing.gazetteer import COMMON_WORD, gazetteer, is_place
from bot.parsing.known import Index, Resolved, fold, is_known_alias
from bot.parsing.lexicon import NOT_NAMES, RELATIONS, THING_NOUNS, words
from bot.parsing.model import OrgRef
from bot.parsing.people import KnownThings, NameSpan

_ROLE_ACRONYMS = words(
    "ceo cto coo cfo cmo cro cpo ciso cio cso chro cdo gc md gm evp svp vp avp cco cbo hrbp"
    " rssi dsi daf drh pm em gp ea sre"
)
_ROLE_WORDS = words(
    """
    founder cofounder co-founder president chair chairman chairwoman chairperson partner associate
    professor lecturer researcher
    owner principal co-owner coowner treasurer recruiter headteacher headmaster headmistress
    principal secretary trustee scout lawyer accountant attorney solicitor counsel advisor
    adviser banker analyst consultant auditor broker paralegal notary bookkeeper
    """
)
_ROLE_HEADS = words("head director manager lead vp svp evp avp")
# "programme lead", "product manager", "account director": a noun, then a role head
_ROLE_TAILS = words("lead manager director officer engineer designer partner coordinator")
_COMPANY_SUFFIXES = words(
    """
    inc inc. ltd ltd. llc llp plc gmbh ag sa sas sarl bv nv oy ab as corp corporation company co
    industries labs group holdings capital ventures partners bank systems technologies
    """
)
_JOIN_VERBS = words("joined joining join")
_WORK_VERBS = words("works working worked")
_LEAVE_VERBS = words("leaving left leave quit quitting")
_MOVE_VERBS = words("moving moved move going went")
_BY_VERBS = words("led backed funded acquired owned bought")
_VERBS = _WORK_VERBS | _JOIN_VERBS | _LEAVE_VERBS | _MOVE_VERBS
_CUE_WORDS = _ROLE_ACRONYMS | _ROLE_WORDS | _ROLE_HEADS | words("from at by aka goes known called")
_ROLE_START = _ROLE_ACRONYMS | _ROLE_WORDS | _ROLE_HEADS
_FROM_AT = words("from at @")
_ALIAS_WORDS = words("goes go aka known called calls")
# "(everyone calls her Nur)", ", everyone calls him Kazu,": what people call someone is a nickname
_CALLS_INTROS = tuple(
    f"{who} {verb} {them}"
    for who in ("everyone", "everybody", "people", "we", "they", "most people", "friends")
    for verb in ("calls", "call")
    for them in ("her", "him", "them")
)
_ALIAS_INTROS = (*_CALLS_INTROS, "goes by", "go by", "aka", "a.k.a.", "known as", "called")
MAX_ORG_WORDS = 4


@dataclass
class Facts:
    company: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)


FactFor = Callable[[NameSpan], Facts]
AddOrg = Callable[[str], str]


@dataclass
class Found:
    orgs: list[OrgRef]
    facts: dict[int, Facts]  # by the start of the person's first span
    spans: list[NameSpan]  # the name spans that are still people


def _tok(doc: Doc, i: int) -> Token | None:
    return doc.tokens[i] if 0 <= i < len(doc.tokens) else None


def _gap(doc: Doc, a: Token, b: Token) -> str:
    return doc.text[a.end + (2 if a.possessive else 0) : b.start]


def _cap_run(doc: Doc, i: int, spans_by_first: dict[int, NameSpan]) -> tuple[int, str] | None:
    """A run of capitalised words starting at token i: "Stark Industries", "Globex Gulf"."""
    t = _tok(doc, i)
    if t is None or not (t.capitalised or (t.text.isupper() and len(t.text) > 1)):
        return None
    if t.lower in NOT_NAMES and not t.text.isupper():
        return None
    j = i
    while j + 1 < len(doc.tokens) and j - i + 1 < MAX_ORG_WORDS and not doc.tokens[j].possessive:
        n = doc.tokens[j + 1]
        if not (n.capitalised or n.text.isupper()) or _gap(doc, doc.tokens[j], n).strip(" "):
            break
        if n.lower in _ROLE_ACRONYMS or n.lower in NOT_NAMES:
            break
        j += 1
    return j, " ".join(doc.tokens[k].text for k in range(i, j + 1))


def _role_at(doc: Doc, k: int) -> tuple[int, str] | None:
    """A role starting at token k: "COO", "VP Eng", "head of data", "Head of Partnerships"."""
    t = _tok(doc, k)
    if t is None:
        return None
    low = t.lower
    if low == "new" or low == "former":
        got = _role_at(doc, k + 1)
        return got
    if low in _SENIORITY and t.text.islower():
        got = _role_at(doc, k + 1)  # "senior data engineer", "staff engineer"
        if got is not None and not _gap(doc, t, doc.tokens[k + 1]).strip():
            return got[0], f"{t.text} {got[1]}"
        if low not in _ROLE_WORDS:  # "associate" alone is a role (at a fund), "senior" is not
            return None
    if low in _ROLE_ACRONYMS and t.text.isupper():
        n = _tok(doc, k + 1)
        if low in ("vp", "svp", "evp", "avp") and n is not None and not _gap(doc, t, n).strip():
            if n.lower == "of":
                m = _tok(doc, k + 2)
                if m is not None:
                    return k + 2, f"{t.text} of {m.text}"
            if n.capitalised or n.lower in ("eng", "engineering", "sales", "marketing", "product"):
                return k + 1, f"{t.text} {n.text}"
        return k, t.text
    if low in _ROLE_WORDS:
        return k, t.text
    n = _tok(doc, k + 1)
    if (
        n is not None
        and n.lower in _ROLE_TAILS
        and t.text.replace("-", "").isalpha()  # "co-op director"
        and t.text.islower()
        and low not in NOT_NAMES
        and not _gap(doc, t, n).strip()
    ):
        return k + 1, f"{t.text} {n.text}"
    if low in _ROLE_HEADS:
        n = _tok(doc, k + 1)
        if n is not None and n.lower == "of" and not _gap(doc, t, n).strip():
            m = _tok(doc, k + 2)
            if (
                m is not None
                and not _gap(doc, n, m).strip()
                and (m.lower not in NOT_NAMES or m.lower in _DEPARTMENTS | _FIELDS)
            ):
                return k + 2, f"{t.text} of {m.text}"  # "head of data", "head of sales"
    return None


def _org_name(idx: Index, name: str) -> tuple[str, bool]:
    key = fold(name)
    if key in idx.orgs:
        return idx.orgs[key], True
    return name, False


def _looks_like_alias(alias: str, name: str) -> bool:
    """ "AL" for Anna-Lena Vogt, "JP" for Jean-Pierre Roux, "Liv" for Olivia."""
    a = fold(alias).replace(" ", "")
    if not a or len(a) > 12:
        return False
    parts = [p for p in fold(name).replace("-", " ").replace("'", " ").split(" ") if p]
    initials = "".join(p[0] for p in parts)
    if alias.isupper() and len(alias) <= 4 and (initials.startswith(a) or a in initials):
        return True
    return any(len(a) >= 2 and (p.startswith(a) or a in p) for p in parts)


def find(doc: Doc, spans: list[NameSpan], things: KnownThings, idx: Index) -> Found:
    orgs: dict[str, OrgRef] = {}
    facts: dict[int, Facts] = {}
    not_people: set[int] = set()  # starts of spans that are organisations
    by_first = {s.first: s for s in spans}
    person_by_key: dict[str, int] = {}
    for s in spans:  # facts go to the first span naming the person, where its PersonRef is made
        person_by_key.setdefault(s.known.known_as or fold(s.name), s.start)

    def owner_start(s: NameSpan) -> int:
        key = s.known.known_as or fold(s.name)
        return person_by_key.setdefault(key, s.start)

    def add_org(name: str) -> str:
        canonical, known = _org_name(idx, name)
        orgs.setdefault(fold(canonical), OrgRef(canonical, known))
        return canonical

    def fact(s: NameSpan) -> Facts:
        return facts.setdefault(owner_start(s), Facts())

    for _first, _last, name in things.orgs:
        add_org(name)
    text = doc.text
    if not (
        "(" in text
        or "," in text
        or "'" in text
        or not doc.words.isdisjoint(_CUE_WORDS)
        or not doc.words.isdisjoint(_VERBS)
    ):
        return Found(list(orgs.values()), facts, spans)  # nothing here can name a company

    tokens = doc.tokens
    aliases_named = not doc.words.isdisjoint(_ALIAS_WORDS)
    roles_named = not doc.words.isdisjoint(_ROLE_START | _ROLE_TAILS)
    has_paren = "(" in text
    from_at = "@" in text or not doc.words.isdisjoint(_FROM_AT)
    for s in spans:
        if s.mention and s.start in not_people:
            continue
        last = tokens[s.last]
        after_k = s.last + 1
        nxt = _tok(doc, after_k)
        if has_paren and nxt is not None and _gap(doc, last, nxt).strip().startswith("("):
            # "Jean-Pierre Roux (JP) from Carrefour": look past the parenthetical
            close = doc.text.find(")", last.end, last.end + 62)
            k2 = doc.token_index_at(close) if close > 0 else None
            if k2 is not None:
                after_k, nxt = k2, doc.tokens[k2]
        # "Sunil from Plaid", "Oliver Grant from Acme"; "Charlotte Dubois at Vandelay" (known)
        if from_at and nxt is not None and nxt.lower in _FROM_AT and after_k + 1 < len(tokens):
            gap = doc.text[last.end : nxt.start].strip(" ")
            if not gap or gap.endswith(")"):
                at_k = after_k + 1
                the = _tok(doc, at_k)
                if nxt.lower == "from" and the is not None and the.lower == "the":
                    at_k += 1  # "Tunde from the Chevron Nigeria Foundation"
                run = _org_after(doc, at_k, by_first, things, idx)
                is_known = any(a == at_k for a, _, _ in things.orgs)
                end = run[0] if run is not None else 0
                place = _tok(doc, end + 1) is not None and (
                    doc.tokens[end + 1].lower in THING_NOUNS or doc.tokens[end + 1].text == "HQ"
                )
                if run is not None and (
                    nxt.lower == "from"
                    or (is_known and not place)
                    or (not place and _handed_to_at(doc, s, run))
                ):
                    end, org = run
                    fact(s).company = add_org(org)
                    _drop(by_first, at_k, end, not_people)
        # "Kai Berg (Vandelay)", "Anna-Lena Vogt (AL)", "(Stark Industries CFO)", "(goes by Mai)"
        after_end = last.end + (2 if last.possessive else 0)
        rest = doc.text[after_end : after_end + 80]
        stripped = rest.lstrip(" ")
        if stripped.startswith("("):
            close = stripped.find(")")
            if 0 < close <= 90:
                _parenthetical(doc, s, stripped[1:close].strip(), fact, add_org, idx)
                p0 = after_end + (len(rest) - len(stripped)) + 1
                _drop_between(spans, p0, p0 + close, not_people)
                # "Siti binte Rahman (everyone calls her Nur), ops director at Harbourline":
                # the role and company come after the nickname's brackets
                after_end = p0 + close
                rest = doc.text[after_end : after_end + 80]
                stripped = rest.lstrip(" ")
        nick = stripped[1:].lstrip(" ").lower()
        if stripped.startswith(",") and nick.startswith(_ALIAS_INTROS[: len(_CALLS_INTROS) + 4]):
            comma = stripped.find(",", 1)
            if 0 < comma <= 40:
                # "Siobhán Ní Bhriain, everyone calls her Shiv, head of partnerships at ..."
                after_end += len(rest) - len(stripped) + comma
                rest = doc.text[after_end : after_end + 80]
                stripped = rest.lstrip(" ")
        # "Mei Tanaka, COO at Initrode"
        if roles_named and stripped.startswith(","):
            k = doc.token_index_at(after_end + (len(rest) - len(stripped)) + 1)
            role = _role_at(doc, k) if k is not None else None
            if role is not None:
                end, title = role
                at = _tok(doc, end + 1)
                if at is not None and at.lower in ("at", "of", "from", "@"):
                    run = _org_after(doc, end + 2, by_first, things, idx)
                    by = _tok(doc, run[0] + 1) if run is not None else None
                    if run is not None and by is not None and by.lower == "by":
                        fact(
                            s
                        ).role = title  # "head of BD at Etisalat by e&": where it ends is unsure
                    elif run is not None:
                        f = fact(s)
                        f.role = title
                        f.company = add_org(run[1])
                        _drop(by_first, end + 2, run[0], not_people)
                elif doc.text[tokens[end].end :].lstrip(" ")[:1] in (",", "", ".", ";"):
                    fact(s).role = title
        if roles_named and any(
            t.lower in _ROLE_START for t in tokens[max(0, s.first - 4) : s.first]
        ):
            _before(doc, s, fact, add_org, by_first, not_people, things, idx)
        if aliases_named:
            _alias_phrase(doc, s, fact, idx)

    _verb_facts(doc, spans, fact, add_org, by_first, not_people, things, idx)
    if roles_named:
        _is_the_role(doc, spans, fact, add_org, by_first, not_people, things, idx)
        _role_is(doc, spans, fact, not_people)
    for t in tokens:
        # "ex-Opay", "ex-Google": where someone worked is an organisation
        if t.lower.startswith("ex-") and t.text[3:4].isupper() and len(t.text) > 4:
            add_org(t.text[3:])
    if has_paren:
        _listed_in_brackets(doc, spans, add_org, fact, not_people)
    people = [s for s in spans if s.start not in not_people]
    _which_by_company(people, facts, idx)
    return Found(list(orgs.values()), facts, people)


def _is_the_role(
    doc: Doc,
    spans: list[NameSpan],
    fact: FactFor,
    add_org: AddOrg,
    by_first: dict[int, NameSpan],
    not_people: set[int],
    things: KnownThings,
    idx: Index,
) -> None:
    """ "she's the new head of sales at Moniepoint", "he is their CFO": a pronoun's role (and
    company), given to the person it stands for."""
    tokens = doc.tokens
    people = [s for s in spans if s.start not in not_people]
    for k, t in enumerate(tokens):
        if t.lower not in _PRONOUNS:
            continue
        at = k + 1
        if not t.possessive:
            if at >= len(tokens) or tokens[at].lower not in ("is", "was"):
                continue
            at += 1
        if at < len(tokens) and tokens[at].lower in _ROLE_DETERMINERS:
            at += 1
        role = _role_at(doc, at)
        if role is None:
            continue
        end, title = role
        subject = _subject(doc, people, k)
        if subject is None or title.lower() in RELATIONS:
            continue
        f = fact(subject)
        f.role = title
        of = _tok(doc, end + 1)
        if of is not None and of.lower in ("at", "of", "@"):
            run = _org_after(doc, end + 2, by_first, things, idx)
            if run is not None and not is_place(fold(run[1])):
                f.company = add_org(run[1])
                _drop(by_first, end + 2, run[0], not_people)


def _role_is(doc: Doc, spans: list[NameSpan], fact: FactFor, not_people: set[int]) -> None:
    """ "the new CFO is Ada Eze", "their lawyer is Hana": a role, "is", then the person."""
    for s in spans:
        if s.start in not_people or s.first < 2 or doc.tokens[s.first - 1].lower != "is":
            continue
        k = s.first - 2
        for start in range(k, max(-1, k - 4), -1):
            role = _role_at(doc, start)
            if role is not None and role[0] == k:
                if role[1].lower() not in RELATIONS:
                    fact(s).role = role[1]
                break


def _handed_to_at(doc: Doc, s: NameSpan, run: tuple[int, str]) -> bool:
    """ "intro'd me to Kofi Mensah at Hubtel", "sent the profile to Mehmet Aydın at Helsing": a
    full name someone is introduced or sent to, then where they work. ("lunch with Sarah at
    Nobu" is a venue: only "to" a full name reads so.)"""
    if s.mention or s.first == 0 or s.first == s.last:
        return False
    p = doc.tokens[s.first - 1]
    if p.lower != "to" or doc.text[p.end : doc.tokens[s.first].start].strip(" "):
        return False
    end, org = run
    last = doc.tokens[end]
    if last.lower in THING_NOUNS or is_place(fold(org)):
        return False
    return not (end + 1 < len(doc.tokens) and doc.tokens[end + 1].lower in THING_NOUNS)


_LIST_SPLIT_RE = re.compile(r"\s*(?:,|/|&|\+|\band\b)\s*")
_NOT_COMPANY_RE = re.compile(r"^(?:Q[1-4]|H[12]|FY\d*|\d+)$")


def _listed_in_brackets(
    doc: Doc, spans: list[NameSpan], add_org: AddOrg, fact: FactFor, not_people: set[int]
) -> None:
    """ "2 case studies (Aer Lingus, DHL)", "3 refs (Wise, Revolut, N26)", "a competitor
    (Flexport?)": capitalised names listed in brackets that follow no person are companies,
    when none of them starts with a given name and one at least is no common word."""
    text = doc.text
    done: set[int] = set()
    g = gazetteer()
    for s in spans:
        if s.mention or s.known.found or s.start in not_people:
            continue
        open_ = text.rfind("(", max(0, s.start - 80), s.start)
        if open_ < 0 or open_ in done or text.rfind(")", open_, s.start) >= 0:
            continue
        close = text.find(")", s.start, open_ + 100)
        if close < 0:
            continue
        done.add(open_)
        before = text[:open_].rstrip(" ")
        if any(x.end + (2 if doc.tokens[x.last].possessive else 0) == len(before) for x in spans):
            continue  # "Kai Berg (Vandelay)": the person's company, read elsewhere
        word_before = before.rsplit(" ", 1)[-1]
        if _role_word(word_before) or word_before.lower() in _ROLE_TAILS:
            if s.first > 0 and doc.text[open_ + 1 : s.start].strip() == "":
                fact(s).role = word_before  # "yusuf's EA (Leila Haddad)"
            continue
        items = [x.strip(" ?!.") for x in _LIST_SPLIT_RE.split(text[open_ + 1 : close])]
        items = [x for x in items if x]
        if not items or not all(_company_like(x) for x in items):
            continue
        firsts = [fold(x.split()[0]) for x in items]
        if any(f in g.given for f in firsts):
            continue
        if any(g.is_name_part(fold(w)) for x in items if " " in x for w in x.split()[1:]):
            continue  # "(Bisi Adeyemi)": a full name
        if all(g.word_zipf(f) >= COMMON_WORD for f in firsts):
            continue  # "(Go, Rust)": words, maybe skills
        for x in items:
            add_org(x)
        for x in spans:
            if open_ < x.start < close and not x.known.found and not x.mention:
                not_people.add(x.start)


def _company_like(item: str) -> bool:
    ws = item.split()
    return (
        0 < len(ws) <= 4
        and all(w[:1].isupper() or w[:1].isdigit() for w in ws)
        and _NOT_COMPANY_RE.match(item) is None
        and any(c.isalpha() for c in item)
    )


def _which_by_company(spans: list[NameSpan], facts: dict[int, Facts], idx: Index) -> None:
    """Two known Priyas, and the note says "Priya at Indigo Angels": the company says which."""
    for s in spans:
        if s.known.known_as is not None or not s.known.candidates:
            continue
        f = facts.get(s.start)
        if f is None or not f.company:
            continue
        company = fold(f.company)
        match = [c for c in s.known.candidates if fold(idx.company.get(c, "")) == company]
        if len(match) == 1:
            s.known = Resolved(match[0])


def _drop(by_first: dict[int, NameSpan], i: int, j: int, not_people: set[int]) -> None:
    for k in range(i, j + 1):
        s = by_first.get(k)
        if s is not None and not s.known.found:
            not_people.add(s.start)


def _drop_between(spans: list[NameSpan], a: int, b: int, not_people: set[int]) -> None:
    for s in spans:
        if a <= s.start < b and not s.known.found and not s.mention:
            not_people.add(s.start)


def _org_after(
    doc: Doc, i: int, by_first: dict[int, NameSpan], things: KnownThings, idx: Index
) -> tuple[int, str] | None:
    for a, b, name in things.orgs:
        if a == i:
            return b, name
    s = by_first.get(i)
    if s is not None and s.known.found:
        return None  # a known person: "an intro from Jane"
    run = _cap_run(doc, i, by_first)
    if run is not None and run[0] > i and is_place(fold(doc.tokens[run[0]].text)):
        # "Aisling Byrne from Stripe Dublin": the office's city is no part of the name
        head = " ".join(doc.tokens[k].text for k in range(i, run[0]))
        if not is_place(fold(head)):
            return run[0] - 1, head
    return run


def _parenthetical(
    doc: Doc, s: NameSpan, inner: str, fact: FactFor, add_org: AddOrg, idx: Index
) -> None:
    low = inner.lower()
    for intro in _ALIAS_INTROS:
        if low.startswith(intro + " "):
            alias = inner[len(intro) :].strip(" '\"")
            if alias:
                _add_alias(s, alias, fact, idx)
            return
    quoted = len(inner) > 2 and inner[0] in "'\"" and inner[-1] in "'\""
    bare = inner.strip(" '\"")
    if not bare or len(bare.split()) > 10:
        return
    if fold(bare) not in idx.full and _role_at_company(s, bare, fact, add_org):
        return  # "(ops lead at Kestrel Logistics in Rotterdam)"
    if len(bare.split()) > 6:
        return
    person = s.known.known_as or s.name
    if quoted or (len(bare.split()) == 1 and _looks_like_alias(bare, person)):
        _add_alias(s, bare, fact, idx)
        return
    if fold(bare) in idx.full:
        return  # a known alias or person, not an organisation
    owned = bare.split(" ", 1)
    if len(owned) == 2 and owned[0].lower() in _OWNERS and _all_role(owned[1]):
        fact(s).role = owned[1]  # "Emeka (our lawyer)", "Luísa (their accountant)"
        return
    first, _, described = bare.partition(" ")
    if (
        2 <= len(first) <= 6
        and first.isupper()
        and first.isalpha()
        and described
        and len(described.split()) <= 3
        and described.islower()
        and described.replace(" ", "").isalpha()
        and not _all_role(described)
    ):
        fact(s).company = add_org(first)  # "(AUC fintech lab)", "(RMIT design school)"
        return
    head, _, after_comma = bare.replace(" @ ", ", ").partition(",")
    if after_comma.strip() and _all_role(head) and after_comma.strip()[:1].isupper():
        # "(CTO, Zepto)", "(VP Eng, Flipkart)", "(PM @ Toss)": the role first, then the company
        head, after_comma = after_comma.strip(), head.strip()
    ws = head.split()
    role_words: list[str] = []
    while ws and _role_word(ws[-1]):
        role_words.insert(0, ws.pop())
    # "(Tessellate AI head of product)": the role begins at its head word
    for i, w in enumerate(ws):
        if i > 0 and w.lower() in ("head", "director", "vp", "svp", "evp") and w.islower():
            role_words = ws[i:] + role_words
            ws = ws[:i]
            break
    while ws and ws[-1].lower() in _DEPARTMENTS and not ws[-1][:1].isupper():
        ws.pop()  # "(PortLink procurement)"
    tail = after_comma.strip()
    if tail and _all_role(tail) and tail.lower() not in _DEPARTMENTS:
        role_words = role_words or tail.split()  # "(Sakura Retail SG, HRBP)", "(CTO, Zepto)"
    if not ws:
        if role_words and len(role_words) <= 3:
            fact(s).role = " ".join(role_words)  # "Olumide (treasurer)"
        return
    if not all(w[:1].isupper() for w in ws):
        return
    f = fact(s)
    f.company = add_org(" ".join(ws))
    if role_words:
        f.role = " ".join(role_words)


_ENG = words("eng engineer")
# what a "head of" heads, though the words are common: "head of sales", "head of growth"
_FIELDS = words("sales growth brand people talent design data risk payments partnerships")
_SENIORITY = words("senior junior staff principal chief associate assistant deputy")
_PRONOUNS = words("she he they")
_ROLE_DETERMINERS = words("the their a an our")
_OWNERS = words("our my their his her the")
_AT_RE = re.compile(r"\s+(?:at|@)\s+")
# where the company ends: "(ops lead at Kestrel Logistics in Rotterdam)"
_COMPANY_END_RE = re.compile(r"\s+(?:in|based|since|for)\b|[,;]")


def _role_at_company(s: NameSpan, bare: str, fact: FactFor, add_org: AddOrg) -> bool:
    """ "(staff engineer at Trade Republic)", "(GP @ Ventures Platform)", "(head of risk at
    Access Bank)": a role, "at", the company."""
    m = _AT_RE.search(bare)
    if m is None:
        return False
    role = bare[: m.start()].strip()
    if role.split(" ", 1)[0].lower() in ("new", "former", "ex"):
        role = role.split(" ", 1)[1] if " " in role else ""
    if not role or not _all_role(role):
        return False
    company = _COMPANY_END_RE.split(bare[m.end() :], maxsplit=1)[0].strip()
    ws = company.split()
    if not ws or len(ws) > 4 or not all(w[:1].isupper() or w[:1].isdigit() for w in ws):
        return False
    f = fact(s)
    f.role = role
    f.company = add_org(company)
    return True


def _all_role(text: str) -> bool:
    """ "CTO", "VP Eng", "partner", "RF eng", "founder": a role and nothing else."""
    ws = text.split()
    if not ws or len(ws) > 4:
        return False
    if len(ws) >= 3 and ws[0].lower() in _ROLE_HEADS and ws[1].lower() == "of":
        return ws[-1].islower() or ws[-1][:1].isupper()  # "head of risk", "Head of Growth"
    if len(ws) > 3:
        return False
    return _role_word(ws[0]) or ws[-1].lower() in _ROLE_TAILS | _ENG


def _role_word(w: str) -> bool:
    low = w.lower()
    return low in _ROLE_ACRONYMS or low in _ROLE_WORDS


def _add_alias(s: NameSpan, alias: str, fact: FactFor, idx: Index) -> None:
    person = s.known.known_as or s.name
    if is_known_alias(idx, person, alias):
        return
    f = fact(s)
    if alias not in f.aliases:
        f.aliases.append(alias)


def _alias_phrase(doc: Doc, s: NameSpan, fact: FactFor, idx: Index) -> None:
    """ "Trần Thị Mai, goes by Mai", "Jo Smith aka JoJo"."""
    last = doc.tokens[s.last]
    raw = doc.text[last.end : last.end + 40]
    rest = raw.lstrip(" ,")
    low = rest.lower()
    for intro in _ALIAS_INTROS[: len(_CALLS_INTROS) + 4]:
        if low.startswith(intro + " "):
            k = doc.token_index_at(last.end + (len(raw) - len(rest)) + len(intro))
            t = _tok(doc, k) if k is not None else None
            if t is not None:
                _add_alias(s, t.text, fact, idx)
            return


_TITLE_WORDS = words("dr mr mrs ms prof mx")
# "(PortLink procurement)", "(Spedition Kraus, IT)": the team inside the company, not a role
_DEPARTMENTS = words(
    "procurement finance legal it hr ops operations marketing sales engineering eng product"
    " security infosec compliance purchasing"
)


def _before(
    doc: Doc,
    s: NameSpan,
    fact: FactFor,
    add_org: AddOrg,
    by_first: dict[int, NameSpan],
    not_people: set[int],
    things: KnownThings,
    idx: Index,
) -> None:
    """ "Initrode's COO Mei Tanaka", "Hooli's CTO, Dev Patel", "their CTO Elena Vidal",
    "their new head of data, Grace Liu"."""
    k = s.first - 1
    t = _tok(doc, k)
    if t is None:
        return
    if t.lower.rstrip(".") in _TITLE_WORDS:  # "Sarah's CEO, Dr. Rania Haddad": past the title
        k -= 1
        t = _tok(doc, k)
        if t is None:
            return
    if doc.text[t.end : doc.tokens[k + 1].start].strip(" ,.") != "":
        return
    # walk back over the role
    for start in range(k, max(-1, k - 4), -1):
        role = _role_at(doc, start)
        if role is None or role[0] != k:
            continue
        title = role[1]
        if title.lower() in RELATIONS:
            return  # "his partner Youssef", "Ben's cofounder Lior": family and friends
        owner = _tok(doc, start - 1)
        f = fact(s)
        f.role = title
        if owner is not None and owner.possessive:
            # the possessive run before the role is the organisation
            first = start - 1
            while first - 1 >= 0 and doc.tokens[first - 1].capitalised:
                prev = doc.tokens[first - 1]
                if prev.possessive or _gap(doc, prev, doc.tokens[first]).strip(" "):
                    break
                first -= 1
            org_span = by_first.get(first)
            if org_span is not None and (
                org_span.known.found or fold(org_span.name.split()[0]) in gazetteer().given
            ):
                return  # "Ben's cofounder", "Sarah Goldberg's CEO": a person's, not a company's
            name = " ".join(doc.tokens[x].text for x in range(first, start))
            if any(a == first for a, _, _ in things.orgs) or name[:1].isupper():
                f.company = add_org(name)
                _drop(by_first, first, start - 1, not_people)
        return


def _verb_facts(
    doc: Doc,
    spans: list[NameSpan],
    fact: FactFor,
    add_org: AddOrg,
    by_first: dict[int, NameSpan],
    not_people: set[int],
    things: KnownThings,
    idx: Index,
) -> None:
    """ "works at Hooli", "joined Globex", "moved to Acme as VP Eng", "is leaving Hooli"."""
    if doc.words.isdisjoint(_VERBS) and "by" not in doc.words:
        return
    tokens = doc.tokens
    people = [s for s in spans if s.start not in not_people]
    for k, t in enumerate(tokens):
        low = t.lower
        if low == "by" and k > 0 and tokens[k - 1].lower in _BY_VERBS:
            run = _org_after(doc, k + 1, by_first, things, idx)
            if run is not None:  # "a Series C led by Sequoia", "acquired by Globex"
                add_org(run[1])
                _drop(by_first, k + 1, run[0], not_people)
            continue
        if low not in _VERBS:
            continue
        nxt = _tok(doc, k + 1)
        if nxt is None:
            continue
        at = k + 1
        if low in _WORK_VERBS:
            if nxt.lower not in ("at", "for"):
                continue
            at = k + 2
        elif low in _MOVE_VERBS:
            if nxt.lower != "to":
                continue
            at = k + 2
        elif low in _LEAVE_VERBS and nxt.lower == "for":
            at = k + 2
        run = _org_after(doc, at, by_first, things, idx)
        if run is None:
            continue
        end, org = run
        role = None
        as_tok = _tok(doc, end + 1)
        if as_tok is not None and as_tok.lower == "as":
            got = _role_at(doc, end + 2)
            if got is not None:
                role = got[1]
                _drop(by_first, end + 2, got[0], not_people)  # "Head of Partnerships"
        known_org = any(a == at for a, _, _ in things.orgs)
        if low in _MOVE_VERBS and role is None and not known_org:
            continue  # "moving to Rotterdam" is a place
        if low in _LEAVE_VERBS:
            if known_org or nxt.lower == "for":  # "leaving Hooli", "leaving for Stripe"
                add_org(org)
                _drop(by_first, at, end, not_people)
            continue  # which company they are at now is not said
        subject = _subject(doc, people, k)
        if subject is None:
            continue
        name = add_org(org)
        _drop(by_first, at, end, not_people)
        f = fact(subject)
        f.company = name
        if role:
            f.role = role


def _subject(doc: Doc, people: list[NameSpan], k: int) -> NameSpan | None:
    """The person a verb at token k is about: the last one named before it in its sentence, or
    the note's first person for "she"/"he"."""
    before = [s for s in people if s.last < k]
    sentence_start = k
    while sentence_start > 0 and not doc.tokens[sentence_start].sentence_start:
        sentence_start -= 1
    in_sentence = [s for s in before if s.first >= sentence_start]
    if in_sentence:
        return in_sentence[-1]
    return people[0] if people else None

"""A matter's service guide (办事指南): who may apply, the steps, the fees, where and when it is done, whom to call,
the online channel, the pages it was taken from and which of its parts are estimated; and the answers a centre
keeps for the questions visitors ask about it (常见问答).

The guide is catalogue data like the documents: a case keeps the guide as it was when the case was checked in
(SPEC §4), so a guide edited in F11 applies to new cases only. Every text is printed on the visitor's 办事指南
slip, so each is a plain line (the conditions and the steps one line each); the desk cleans them on the way in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The guide's one-line texts, in the order a guide prints them; `estimated` names some of these and the lists.
TEXTS = ("fees", "place", "hours", "phone", "online")
LISTS = ("conditions", "procedure")
PARTS = (*LISTS, *TEXTS)


@dataclass(frozen=True)
class Source:
    """A page the guide was taken from."""

    url: str
    title: str = ""
    region: str = ""
    year: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "region": self.region, "year": self.year}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Source:
        year = raw.get("year")
        return cls(str(raw.get("url") or ""), str(raw.get("title") or ""), str(raw.get("region") or ""), year)


@dataclass(frozen=True)
class KeptAnswer:
    """A question visitors ask about the matter and the centre's answer to it (常见问答)."""

    question: str
    answer: str

    def as_json(self) -> dict[str, str]:
        return {"q": self.question, "a": self.answer}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> KeptAnswer:
        return cls(str(raw.get("q") or ""), str(raw.get("a") or ""))


@dataclass(frozen=True)
class Guide:
    conditions: tuple[str, ...] = ()  # 申请条件
    procedure: tuple[str, ...] = ()  # 办理流程, in order
    fees: str = ""  # 收费标准 ("不收费" where none)
    place: str = ""  # 办理地点: window, department, address
    hours: str = ""  # 办理时间 (empty: the centre's hours)
    phone: str = ""  # 咨询电话 (empty: the centre's phone)
    online: str = ""  # 网上办理: the online channel, where one exists
    sources: tuple[Source, ...] = ()
    estimated: tuple[str, ...] = ()  # the parts (PARTS) filled from inference rather than from a source read
    answers: tuple[KeptAnswer, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, part) for part in PARTS) and not self.answers

    def as_json(self) -> dict[str, Any]:
        return {
            "conditions": list(self.conditions),
            "procedure": list(self.procedure),
            **{part: getattr(self, part) for part in TEXTS},
            "sources": [s.as_json() for s in self.sources],
            "estimated": list(self.estimated),
            "answers": [a.as_json() for a in self.answers],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> Guide:
        if not raw:
            return cls()
        return cls(
            conditions=_lines(raw.get("conditions")),
            procedure=_lines(raw.get("procedure")),
            **{part: str(raw.get(part) or "") for part in TEXTS},
            sources=tuple(Source.from_json(s) for s in raw.get("sources") or ()),
            estimated=tuple(str(p) for p in raw.get("estimated") or () if p in PARTS),
            answers=tuple(KeptAnswer.from_json(a) for a in raw.get("answers") or ()),
        )


def _lines(raw: Sequence[Any] | None) -> tuple[str, ...]:
    return tuple(str(x) for x in raw or () if str(x).strip())

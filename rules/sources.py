"""The documents a plan cites, and the check of every citation against them.

A plan names its main document (`document`) and any further ones (`documents`: a decision on the
disbursement plan, last year's plan…), each with an id. A citation names its document by that id,
or stands in the main document (the first further one when there is no main one). A quote must
stand at the lines it names; a note instead of a quote (a target added later) is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.citations import SourceDocument
from rules.declared import Declared
from rules.errors import Problem
from rules.locate import PathPart
from rules.plan import PlanInfo
from rules.target import Citation, Target


@dataclass(frozen=True)
class Documents:
    """The plan's documents, read: by id ("" for the main one), None for one that cannot be read;
    and the problems met reading them."""

    by_id: dict[str, SourceDocument | None]
    problems: list[Problem]

    def versions(self) -> tuple[tuple[str, str], ...]:
        """Each document read, by path, with the SHA-256 of the bytes its citations were checked against."""
        found = {str(d.path): d.digest for d in self.by_id.values() if d is not None}
        return tuple(found.items())


def check_sources(plan: Declared[PlanInfo], targets: Sequence[Declared[Target]], read: Documents) -> list[Problem]:
    """Every problem of the plan's documents (`read` by `read_documents`) and of the targets'
    citations of them."""
    documents, problems = read.by_id, list(read.problems)
    info = plan.value
    default = "" if info.document else (info.documents[0].id if info.documents else None)
    for entry in targets:
        t = entry.value
        cites: list[tuple[list[PathPart], Citation]] = [(["source"], t.source)]
        if t.baseline and t.baseline.cite:
            cites.append((["baseline", "cite"], t.baseline.cite))
        for where, cite in cites:
            problems += _citation(entry, where, cite, documents, default)
    return problems


def read_documents(plan: Declared[PlanInfo]) -> Documents:
    """The documents the plan's header names, read once for all the citations."""
    info, folder = plan.value, plan.file.parent
    named: list[tuple[str, str, list[PathPart]]] = [("", info.document, ["document"])] if info.document else []
    named += [(ref.id, ref.path, ["documents", i, "path"]) for i, ref in enumerate(info.documents)]
    documents: dict[str, SourceDocument | None] = {}
    problems: list[Problem] = []
    for i, ref in enumerate(info.documents):
        if ref.id in {r.id for r in info.documents[:i]}:
            problems.append(plan.problem(["documents", i, "id"], f"duplicate document id '{ref.id}'"))
    for ident, relative, where in named:
        path: Path = folder / relative
        document = SourceDocument.read(path)
        if document is None:
            problems.append(plan.problem(where, f"cannot read the source document {path}"))
        documents.setdefault(ident, document)
    return Documents(documents, problems)


def _citation(
    entry: Declared[Target],
    where: list[PathPart],
    cite: Citation,
    documents: dict[str, SourceDocument | None],
    default: str | None,
) -> list[Problem]:
    if cite.document is not None and cite.document not in documents:
        known = ", ".join(sorted(d for d in documents if d)) or "none declared"
        return [
            entry.problem(
                [*where, "document"],
                f"unknown document '{cite.document}'; expected an id from the plan's 'documents' ({known})",
            )
        ]
    if cite.quote is None:
        return [
            entry.warning(
                where, "a note instead of a quote; not checked against a source: add the lines and quote when known"
            )
        ]
    name = cite.document if cite.document is not None else default
    document = documents.get(name) if name is not None else None
    if document is None:
        return []  # no document to check against, or one that cannot be read (reported once)
    found = document.check(cite.first_line, cite.last_line, cite.quote)
    return [entry.problem(where, found)] if found else []

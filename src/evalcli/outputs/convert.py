"""One document's Markdown to DOCX and Typst PDF, side by side, as its plan asks."""

from __future__ import annotations

import base64
import contextlib
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from evalcli.check.alttext import described
from evalcli.diagnostics import Finding, FindingCode, Location
from evalcli.errors import InputError
from evalcli.files import open_report_file
from evalcli.i18n import Message, msg
from evalcli.outputs.docinfo import DocInfo
from evalcli.outputs.plan import DocumentPlan
from evalcli.report.model import Report
from evalcli.template.spec import Template
from evalcli.tools.pandoc import PandocRun, filter_args, writes_typst_aside

T = TypeVar("T")


class _Side(Generic[T]):
    """``func(*args)`` run in a thread of its own from now; ``result()`` waits for it.

    A thread, not ``concurrent.futures``: the conversions are child processes,
    and that module (with ``logging``) costs every build about 8 ms to import.
    """

    def __init__(self, func: Callable[..., T], *args: object) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        # not a daemon: even an interpreter that is exiting waits for it to clean up
        self._thread = threading.Thread(target=self._run, args=(func, args))
        self._thread.start()

    def _run(self, func: Callable[..., T], args: tuple[object, ...]) -> None:
        try:
            self._value = func(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            self._done.set()

    def join(self) -> None:
        """Wait for the thread's work to end (an Event: a wait cut short by Ctrl-C can be
        waited again, which ``Thread.join`` does not promise)."""
        self._done.wait()

    def result(self) -> T:
        self.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def inline_images(markdown: str, names: dict[str, Path]) -> str:
    """Image names as data URIs, so that a sandboxed pandoc embeds them without reading files.

    Each image is encoded once, as a reference definition at the end, however
    often the text shows it (300 inline copies of one 2 MB image were 2.6 GB).
    """
    definitions = []
    for number, (name, file) in enumerate(names.items(), 1):
        link = f"](<{name}>)"
        if link not in markdown:
            continue
        label = f"evalcli-image-{number}"
        markdown = markdown.replace(link, f"][{label}]")
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        with open_report_file(file) as stream:  # no link followed, one hard link
            data = base64.b64encode(stream.read()).decode("ascii")
        definitions.append(f"[{label}]: <data:{mime};base64,{data}>")
    return markdown + "\n\n" + "\n".join(definitions) + "\n" if definitions else markdown


def pandoc_docx(
    markdown: str, template: Template, epoch: int, typst_aside: str | None = None
) -> PandocRun:
    """Start pandoc on the DOCX; collect it with ``.result()``. Images come as data URIs.

    With ``typst_aside`` (a pandoc template of the template folder), the run also
    makes the Typst source (``.side_result()``). Here, not in ``outputs.docx``: the
    run starts without loading the polish (lxml), which loads while pandoc works.
    """
    args = ["--to", "docx", "--output", "-", *filter_args(template.path, markdown)]
    if template.reference_docx.is_file():
        args += ["--reference-doc", str(template.reference_docx)]
    return PandocRun(markdown.encode("utf-8"), args, epoch, side=typst_aside)


def _finish_docx(job: PandocRun, info: DocInfo) -> bytes:
    from evalcli.outputs.docx import finish_docx  # lxml and the polish, while pandoc works

    return finish_docx(job, info)


def _pdf_from_shared(
    run: PandocRun,
    markdown: str,
    template: Template,
    info: DocInfo,
    standard: str | None,
    images: dict[str, Path],
    typst_template: str,
    described: bool,
) -> bytes:
    """``make_pdf_typst`` on the Typst source of the DOCX's run, which is read whatever
    happens here: unread, a long source fills the pipe, and pandoc waits on it until its
    time limit, the reason the PDF failed lost behind a timeout."""
    from evalcli.outputs.pdf import make_pdf_typst

    pdf_args = (markdown, template, info, standard, images, typst_template, described)
    try:
        return make_pdf_typst(*pdf_args, source=run.side_result)
    finally:
        with contextlib.suppress(Exception):
            run.side_result()  # read once: after a read, this is what it read


def all_described(report: Report) -> bool:
    """Whether every image of the report has a description (or is decorative): PDF/UA-1."""
    return described(image for section in report.sections.values() for image in section.images)


def not_ua_findings(report: Report, reasons: list[Message]) -> list[Finding]:
    """A ``pdf-not-ua`` finding for each reason Typst gave for refusing PDF/UA-1."""
    return [
        Finding.of(
            FindingCode.PDF_NOT_UA,
            msg(
                "{reason}; the PDF was made without PDF/UA-1: use only characters the "
                "template's fonts have (or a template whose fonts have them) to make it "
                "accessible",
                reason=reason,
            ),
            Location(report.metadata_path),
        )
        for reason in reasons
    ]


def convert(
    markdown: str,
    template: Template,
    info: DocInfo,
    images: dict[str, Path],
    plan: DocumentPlan,
    pdf_standard: str | None,
    typst_template: str | None = None,
    described: bool = True,
    not_ua: list[Message] | None = None,
) -> tuple[bytes | None, bytes | None]:
    """(DOCX, Typst PDF), each made only when ``plan`` asks for it, side by side.

    They are independent, and pandoc and typst run outside the interpreter
    lock. The DOCX gets its images as data URIs, the PDF as files in its root.
    A PDF that Typst cannot make PDF/UA-1 is made without it, and the reason
    added to ``not_ua``, unless ``--pdf-standard ua-1`` asked for it.
    """
    from evalcli.outputs.pdf import (
        TYPST_TEMPLATE,
        NotAccessibleError,
        NoTypstSourceError,
        make_pdf_typst,
        start_typst,
    )

    typst_template = typst_template or TYPST_TEMPLATE
    if plan.typst:
        start_typst(template)  # from this thread, which outlives the compile: see tools.typstserver
    docx_markdown = inline_images(markdown, images) if plan.docx else markdown
    # one pandoc run for both documents when the plan allows, they are made from the
    # same Markdown (no image) and the template's filter can: a third less of pandoc's work
    shared = (
        plan.one_pandoc
        and docx_markdown == markdown
        and writes_typst_aside(template.path, markdown)
    )
    docx_run = pandoc_docx(docx_markdown, template, info.epoch, typst_template) if shared else None
    # the PDF first: its pandoc run is followed by the Typst compile, the longer chain
    pdf_args = (markdown, template, info, pdf_standard, images, typst_template, described)
    try:
        if not plan.typst:
            pdf_job = None
        elif docx_run is not None:
            pdf_job = _Side(_pdf_from_shared, docx_run, *pdf_args)
        else:
            pdf_job = _Side(make_pdf_typst, *pdf_args)
    except BaseException:  # no thread to read the shared run: wait here, its folder removed
        if docx_run is not None:
            with contextlib.suppress(Exception):
                docx_run.side_result()  # unread, a long source would keep pandoc waiting
            with contextlib.suppress(Exception):
                docx_run.result()
        raise
    docx_job = None
    try:
        if plan.docx:
            docx_run = docx_run or pandoc_docx(docx_markdown, template, info.epoch)
            try:
                docx_job = _Side(_finish_docx, docx_run, info)
            except BaseException:  # no thread to collect it: wait here, its folder removed
                with contextlib.suppress(Exception):
                    docx_run.result()
                raise
        docx = docx_job.result() if docx_job else None
        try:
            try:
                pdf = pdf_job.result() if pdf_job else None
            except NoTypstSourceError:  # the DOCX was made: the filter does not write it
                pdf = make_pdf_typst(*pdf_args)
        except NotAccessibleError as exc:
            if pdf_standard == "ua-1":
                raise InputError(
                    msg("--pdf-standard ua-1: {problem}", problem=exc.message())
                ) from exc
            pdf = make_pdf_typst(
                markdown, template, info, pdf_standard, images, typst_template, described=False
            )
            if not_ua is not None:
                not_ua.append(exc.message())
        return docx, pdf
    finally:
        for job in (docx_job, pdf_job):  # neither outlives the call, whatever happened
            if job is not None:
                job.join()

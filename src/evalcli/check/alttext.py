"""Images need a description: a screen reader reads it in place of the picture."""

from __future__ import annotations

from collections.abc import Iterable

from evalcli.diagnostics import Finding, FindingCode
from evalcli.i18n import msg
from evalcli.report.model import Image, Report


def described(images: Iterable[Image]) -> bool:
    """Whether every usable image has a description or is marked decorative."""
    return all(image.alt or image.decorative for image in images if image.file is not None)


def alt_text_findings(report: Report) -> list[Finding]:
    """A warning for each image with neither a description nor the decorative mark."""
    return [
        Finding.of(
            FindingCode.MISSING_ALT_TEXT,
            msg(
                "image '{image}' has no description; write what it shows between the "
                "brackets, ![Trainees placed in jobs, by district]({image}), or mark a "
                "purely decorative image ![]({image}){{.decorative}}. Until then the PDF "
                "does not claim PDF/UA-1",
                image=image.target,
            ),
            image.loc,
            section=section.id,
        )
        for section in report.sections.values()
        for image in section.images
        if image.file is not None and not image.alt and not image.decorative
    ]

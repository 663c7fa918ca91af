"""Handling restrictions: what the originating party lets the other parties do with its item.

In the spirit of originator control in police information exchange (the "handling codes"
of SIENA and of the Swedish Framework Decision), the party that registered an item decides
which parties may read what the item is (its description, where it was found, notes, file
names, where it is stored) and which may download its files, and whether another party
must first have its consent to use the item. The originating party itself is never restricted.

What is withheld is withheld everywhere the item shows: the REST reads, the event log, the
live feed, custody chains and disclosure bundles (one rule: jitspace/reads/withholding.py). A
party that may not read an item still sees that it exists, who holds it and its hashes:
the chain of custody stays whole for everyone.
"""

from __future__ import annotations

import msgspec

from domain.errors import PermissionDenied

# what an evidence item's events say of its content: withheld from parties that may not
# read its description. Where it is stored (`location`) says as much as where it was found:
# a locker of a named unit, an address; whom it concerns (`identifiers`) says what it is
CONTENT_FIELDS = ("description", "place", "note", "name", "location", "comment", "identifiers")


class HandlingRestrictions(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    # the parties (besides the originating one) that may read the item's description,
    # place, notes, comments, file names and storage location; None: every party
    description_to: tuple[str, ...] | None = None
    # the parties (besides the originating one) that may download its files; None: every
    # party that may read its description
    files_to: tuple[str, ...] | None = None
    # another party downloads the files only once the originating party has consented to
    # that party's use of the item (Convention Art. 13(10)(b))
    consent_first: bool = False

    @property
    def restricts_reading(self) -> bool:
        return self.description_to is not None

    def may_read(self, originator: str, country: str) -> bool:
        return (
            country == originator or self.description_to is None or country in self.description_to
        )

    def check_may_download(self, originator: str, country: str, *, consented: bool) -> None:
        """Raise PermissionDenied unless `country` may download the item's files; the
        message does not say which parties may."""
        if country == originator:
            return
        allowed = self.files_to if self.files_to is not None else self.description_to
        if allowed is not None and country not in allowed:
            raise PermissionDenied(
                "the originating party does not allow your party to download this item's files"
            )
        if self.consent_first and not consented:
            raise PermissionDenied(
                "the originating party requires its consent to your party's use of this item "
                "before its files are downloaded"
            )


UNRESTRICTED = HandlingRestrictions()

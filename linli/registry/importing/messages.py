"""Every problem an import can report, by code: stored as (code, params), translated when shown.

Storing codes rather than sentences lets the preview page and the error file speak the reader's language,
whichever language the background worker ran in.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # -- the whole file ----------------------------------------------------------------------------------
    "too_big": _("The file is %(size)s MB; at most %(limit)s MB can be uploaded."),
    "empty_file": _("The file is empty."),
    "legacy_xls": _(
        "This is an old Excel 97–2003 (.xls) file. Save it as an Excel workbook (.xlsx) and upload it again."
    ),
    "not_xlsx": _("This is not an Excel workbook (.xlsx). Download the template, fill it in and upload it."),
    "bad_zip": _("The workbook is damaged and cannot be read. Save it again in Excel and upload it again."),
    "bomb_size": _(
        "The workbook unpacks to %(size)s MB; at most %(limit)s MB are accepted. Split it into smaller files."
    ),
    "bomb_ratio": _("The workbook is compressed suspiciously strongly (%(ratio)s to 1) and was refused for safety."),
    "no_sheet": _("The workbook has no worksheet."),
    "no_header": _(
        "No header row was found. The first row must hold the column names of the template, e.g. %(example)s."
    ),
    "headers_missing": _("Required columns are missing: %(columns)s."),
    "headers_unknown": _("Unknown columns: %(columns)s. Use the column names of the template."),
    "headers_duplicate": _("These columns appear more than once: %(columns)s."),
    "merged": _(
        "The sheet has merged cells (%(ranges)s). Unmerge them so that every value sits in its own "
        "cell, then upload again."
    ),
    "too_many_rows": _(
        "The sheet has %(rows)s rows; at most %(limit)s rows can be imported at once. Split it into smaller files."
    ),
    "used_range": _(
        "The sheet uses cells as far as %(cell)s, beyond what can be read (at most %(rows)s rows and "
        "%(columns)s columns). Delete the rows and columns after your data (including anything typed "
        "far away), save, and upload again."
    ),
    "worker_limit": _(
        "The workbook needs more memory or time to read than allowed (%(limit)s MB) and was refused. "
        "Delete the rows and columns after your data, save it again as an Excel workbook (.xlsx) "
        "and upload again, or split it into smaller files."
    ),
    "formulas_unlocated": _(
        "The sheet contains formulas. Replace them with their values (copy, then paste values only) and upload again."
    ),
    "no_rows": _("The sheet has a header row but no data rows."),
    "internal_error": _(
        "The file could not be processed because of an error on the server. Nothing was "
        "imported. Please try again or tell your administrator."
    ),
    "conflict": _(
        "While this file was being imported, someone registered some of the same people or numbers. "
        "Nothing was imported; the file has been checked again."
    ),
    "not_valid": _("Only a file whose check found no errors can be imported."),
    "already_running": _("This file is being processed already."),
    # -- one cell ----------------------------------------------------------------------------------------
    "required": _("This column is required."),
    "too_long": _("At most %(max)s characters."),
    "choice": _("“%(value)s” is not accepted here. Use one of: %(choices)s."),
    "date": _("“%(value)s” is not a date. Write it like 2024-03-01."),
    "date_future": _("The date lies in the future."),
    "formula": _("Formulas are not accepted. Type the value itself."),
    "number_cell": _(
        "This long number is stored as a number, so Excel has changed its last digits. Format the "
        "column as text and type the number again."
    ),
    "bad_value": _("This value cannot be read."),
    "id_format": _("An ID card number has 18 characters: 17 digits and a digit or X."),
    "id_birth": _("The birth date inside this ID card number is not a real date."),
    "id_checksum": _("The check character of this ID card number is wrong."),
    "doc_format": _("A document number has 5 to 20 letters and digits."),
    "phone_format": _("Enter an 11-digit mobile number starting with 13–19, or a landline such as 0555-2345678."),
    "birth_mismatch": _("The birth date differs from the one in the ID card number (%(date)s)."),
    "gender_mismatch": _("The gender differs from the one in the ID card number."),
    "dup_in_file": _("The same document number is already in row %(row)s."),
    "dup_in_db": _(
        "This document number is already registered (record %(record)s): one person, one record. To "
        "change that record, export it and import the exported file."
    ),
    "dup_in_db_hidden": _(
        "This document number is already registered outside your area: one person, one record. "
        "To move that person here, ask your community office or the district's data "
        "administrator."
    ),
    "masked_mismatch": _(
        "This masked number does not belong to the record. Leave it as exported, or type the full number."
    ),
    "masked_new": _("A masked number cannot be imported. Type the full number."),
    "place_code": _("A place code has digits only."),
    "house_unknown": _("Unknown house code: %(code)s."),
    "not_a_house": _("%(code)s is not a house code (it is a %(level)s)."),
    "house_forbidden": _("You may not add people in this house."),
    "outside_scope": _("This place lies outside the area chosen for this import."),
    "record_unknown": _("Unknown record number: %(record)s."),
    "record_twice": _("The same record is already in row %(row)s."),
    "record_merged": _("Record %(record)s was merged into another one; update that one instead."),
    # households
    "person_unknown": _("No registered person with this document number in your area. Import the residents first."),
    "name_mismatch": _("The registered name for this document number is “%(name)s”."),
    "household_exists": _("Household number %(number)s is already in use."),
    "household_house_differs": _("Rows of household %(number)s name different houses (row %(row)s)."),
    "household_no_head": _("This household has no head (户主)."),
    "household_two_heads": _("This household already has a head in row %(row)s."),
    "member_twice": _("This person is already in row %(row)s."),
    "member_elsewhere": _("This person already belongs to household %(number)s. Move them out first."),
    # organisations
    "credit_code_format": _("A unified social credit code has 18 characters from 0-9 and A-Y (no I, O, S, V, Z)."),
    "credit_code_checksum": _("The check character of this unified social credit code is wrong."),
    "credit_dup_in_file": _("The same credit code is already in row %(row)s."),
    "credit_dup_in_db": _("An organisation with this credit code is already registered."),
    "org_name_in_file": _("The same name is already in row %(row)s."),
    "org_name_in_db": _("An organisation with this name is already registered."),
    "area_unknown": _("Unknown place code: %(code)s."),
    "area_level": _("Choose a district, street or community code."),
    "area_forbidden": _("You may not add organisations here."),
}


def render(code: str, params: dict | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    params = {
        k: (", ".join(str(x) for x in v) if isinstance(v, list | tuple) else v) for k, v in (params or {}).items()
    }
    text = str(template)
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text


class Refusal(Exception):
    """The whole file is refused (nothing is read further, nothing is written)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self):
        return render(self.code, self.params)

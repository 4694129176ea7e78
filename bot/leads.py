"""Consultant requests (leads) for the consultancy. Plain Python, no Rasa.

Each new request is emailed to LEADS_EMAIL_TO over SMTP (bot/settings.py).
A request whose mail could not be sent stays stored, unsent, and is sent with
the next request or by `./run leads --resend`. Requests older than
LEADS_RETENTION_DAYS are deleted. `./run leads` lists them, `--csv` exports.

    python -m bot.leads [--csv FILE|-] [--resend]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import smtplib
import ssl
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Optional, TextIO

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from bot.settings import Settings, get_settings
from bot.store import StoreUnavailable, get_engine, session_scope
from bot.store.models import ConsultantRequest

logger = logging.getLogger(__name__)

CSV_COLUMNS = ["id", "created_at", "name", "email", "recommendation", "conversation_id", "sent_at"]


@dataclass(frozen=True)
class Lead:
    id: int
    created_at: dt.datetime
    name: str
    email: str
    recommendation: str
    conversation_id: str
    sent_at: Optional[dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _lead(row: ConsultantRequest) -> Lead:
    return Lead(row.id, row.created_at, row.name, row.email, row.recommendation, row.conversation_id, row.sent_at)


def all_leads(engine: Engine) -> list[Lead]:
    with session_scope(engine) as session:
        rows = session.execute(select(ConsultantRequest).order_by(ConsultantRequest.id)).scalars()
        return [_lead(row) for row in rows]


def delete_expired(engine: Engine, retention_days: int, now: Optional[dt.datetime] = None) -> int:
    """Delete requests older than the retention period; return how many."""
    cutoff = (now or _utcnow()) - dt.timedelta(days=retention_days)
    with session_scope(engine) as session:
        result = session.execute(delete(ConsultantRequest).where(ConsultantRequest.created_at < cutoff))
        return result.rowcount or 0


def lead_email(lead: Lead, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Consultant request #{lead.id}: {lead.name}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.leads_email_to)
    message["Reply-To"] = lead.email
    message.set_content(
        "Someone asked the assistant for a consultant to get in touch.\n\n"
        f"Name: {lead.name}\n"
        f"Email: {lead.email}\n"
        f"Recommendation: {lead.recommendation}\n"
        f"Requested: {lead.created_at:%Y-%m-%d %H:%M} UTC\n"
        f"Request: #{lead.id} (conversation {lead.conversation_id})\n"
    )
    return message


def _claim(engine: Engine, lead_id: int, sent_at: Optional[dt.datetime]) -> bool:
    """Mark a request sent (or unsent again); False if another process claimed it first."""
    with session_scope(engine) as session:
        condition = ConsultantRequest.sent_at.is_(None) if sent_at else ConsultantRequest.sent_at.is_not(None)
        result = session.execute(
            update(ConsultantRequest).where(ConsultantRequest.id == lead_id, condition).values(sent_at=sent_at)
        )
        return bool(result.rowcount)


def send_unsent(engine: Engine, settings: Settings) -> tuple[int, int]:
    """Email every unsent request; return (sent, still unsent). A mail server
    that is down leaves them unsent, for the next try."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(ConsultantRequest).where(ConsultantRequest.sent_at.is_(None)).order_by(ConsultantRequest.id)
        ).scalars()
        unsent = [_lead(row) for row in rows]
    if not unsent:
        return 0, 0
    if not (settings.smtp_host and settings.leads_email_to):
        logger.warning("%d consultant request(s) not emailed: SMTP_HOST or LEADS_EMAIL_TO is not set", len(unsent))
        return 0, len(unsent)
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for lead in unsent:
                if not _claim(engine, lead.id, _utcnow()):
                    continue  # another process is sending it
                try:
                    smtp.send_message(lead_email(lead, settings))
                except BaseException:
                    _claim(engine, lead.id, None)
                    raise
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning(
            "could not email consultant requests via %s:%s (%s); they stay stored and are sent later",
            settings.smtp_host,
            settings.smtp_port,
            exc,
        )
    return sent, len(unsent) - sent


def after_new_request(engine: Engine, settings: Optional[Settings] = None) -> None:
    """What follows a stored request: expired ones deleted, unsent ones (this one too) emailed."""
    settings = settings or get_settings()
    delete_expired(engine, settings.leads_retention_days)
    send_unsent(engine, settings)


def write_csv(leads: list[Lead], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for lead in leads:
        writer.writerow([getattr(lead, column) if getattr(lead, column) is not None else "" for column in CSV_COLUMNS])


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="leads", description="consultant requests in DATABASE_URL")
    parser.add_argument("--csv", metavar="FILE", help="export them as CSV to FILE (- for standard output)")
    parser.add_argument("--resend", action="store_true", help="email the requests not sent yet")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        engine = get_engine(settings.database_url)
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    expired = delete_expired(engine, settings.leads_retention_days)
    if expired:
        print(f"deleted {expired} request(s) older than {settings.leads_retention_days} days", file=sys.stderr)
    if args.resend:
        sent, unsent = send_unsent(engine, settings)
        print(f"emailed {sent} request(s); {unsent} not sent", file=sys.stderr)
        if unsent:
            return 1
    leads = all_leads(engine)
    if args.csv == "-":
        write_csv(leads, sys.stdout)
    elif args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            write_csv(leads, out)
        print(f"wrote {len(leads)} request(s) to {args.csv}", file=sys.stderr)
    elif not args.resend:
        for lead in leads:
            status = f"sent {lead.sent_at:%Y-%m-%d %H:%M}" if lead.sent_at else "NOT SENT"
            print(
                f"#{lead.id}  {lead.created_at:%Y-%m-%d %H:%M}  {lead.name} <{lead.email}>  "
                f"{lead.recommendation}  [{status}]"
            )
        print(f"{len(leads)} request(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

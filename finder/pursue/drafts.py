"""A first message to a therapist (an email, or a voicemail script) to copy; nothing is sent."""

from __future__ import annotations

from typing import Any, Final

YOUR_NAME: Final[str] = "[your name]"
YOUR_PHONE: Final[str] = "[your phone number]"


def _plans(plans: list[str]) -> str:
    if len(plans) <= 2:
        return " or ".join(plans)
    return ", ".join(plans[:-1]) + f" or {plans[-1]}"


def draft(therapist: Any, profile: Any, *, voicemail: bool = False) -> str:
    """A short first-contact message (email, or a voicemail script) to copy; nothing is sent.

    The questions come from the profile: insurance plan or fee, telehealth, the
    times on offer, and IPT training. The client's name is never filled in.
    """
    name = None if therapist.is_organization else therapist.name
    plans = [p for p in profile.insurance if p.strip()]
    state = profile.state
    if voicemail:
        return _voicemail(name, plans, profile.telehealth, state, profile.sliding_scale_needed)
    questions = ["Are you taking new clients, and how soon could we start?"]
    questions.append(
        "Do you practice Interpersonal Psychotherapy (IPT) itself, the Klerman and Weissman "
        "model? Who trained you in it, and are you certified?"
    )
    if plans:
        questions.append(f"Are you in network with {_plans(plans)}?")
    fee = "What is your fee per session"
    if profile.sliding_scale_needed:
        fee += ", and do you offer a sliding scale"
    questions.append(fee + "?")
    if profile.telehealth == "required":
        where = f" in {state}" if state else " in my state"
        questions.append(f"I need sessions by telehealth: are you licensed{where}?")
    elif profile.telehealth == "no":
        questions.append("I would like to meet in person: where is your office?")
    else:
        questions.append("Do you offer sessions in person, by telehealth, or both?")
    questions.append("Which days and times do you have open, including evenings or weekends?")
    questions.append("Do you offer a short free consultation call before we start?")
    lines = [
        "Subject: New client inquiry: Interpersonal Psychotherapy (IPT)",
        "",
        f"Hello {name}," if name else "Hello,",
        "",
        "I am looking for a therapist trained in Interpersonal Psychotherapy (IPT) and found "
        "your details. Could you tell me:",
        "",
        *(f"- {q}" for q in questions),
        "",
        f"You can reach me by replying to this email or at {YOUR_PHONE}.",
        "",
        "Thank you,",
        YOUR_NAME,
    ]
    return "\n".join(lines) + "\n"


def _voicemail(
    name: str | None, plans: list[str], telehealth: str, state: str | None, sliding: bool
) -> str:
    asks = ["whether you are taking new clients and when you have openings",
            "whether you are trained in IPT itself"]  # fmt: skip
    if plans:
        asks.append(f"whether you are in network with {_plans(plans)}")
    elif sliding:
        asks.append("what you charge and whether you offer a sliding scale")
    else:
        asks.append("what you charge per session")
    if telehealth == "required":
        asks.append(f"whether you offer telehealth in {state}" if state else
                    "whether you offer telehealth")  # fmt: skip
    elif telehealth == "ok":
        asks.append("whether you offer telehealth")
    listed = ", ".join(asks[:-1]) + f", and {asks[-1]}"
    hello = f"Hello, this message is for {name}." if name else "Hello."
    return (
        f"{hello} My name is {YOUR_NAME}, and I am looking for a therapist trained in "
        f"Interpersonal Psychotherapy, IPT. I would like to know {listed}. "
        f"Please call me back at {YOUR_PHONE}. Again, that is {YOUR_NAME}, at {YOUR_PHONE}. "
        "Thank you.\n"
    )


def send_to(therapist: Any, *, voicemail: bool = False) -> tuple[str, str]:
    """Where to send the draft, as the sources give it, and the ``--via`` to log it with.

    An email address first (a voicemail: a phone); without one, the contact form
    of their profile or website, then a phone to read the message to.
    """
    email = therapist.best("email")
    phones = therapist.best("phones") or []
    pages = [p for p in (therapist.best("profile_url"), therapist.best("website")) if p]
    if voicemail:
        if phones:
            return f"Call {phones[0]} and leave this message.", "phone"
        return "No phone number is on record: look for one on their profile or website.", "phone"
    if email:
        return f"Send it to {email}.", "email"
    if pages:
        where = f"No email address is on record: use the contact form at {pages[0]}"
        if phones:
            where += f", or call {phones[0]} and read it out"
        return where + ".", "form"
    if phones:
        return f"No email address is on record: call {phones[0]} and read it out.", "phone"
    return "No email, website or phone is on record: find them where you found the name.", "email"

"""A realistic synthetic Kentucky eligibility feed, for demos, tests and benchmarks.

Households share an address and surname (mostly), SNAP and K-TAP cases are
household cases (every member carries the same case number), Medicaid and KCHIP
are individual. Places are real Kentucky ZIP codes with their city and county
(the ``zipcodes`` package's data). Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


FIRST_FEMALE = _words(
    """
Mary Patricia Linda Barbara Elizabeth Jennifer Maria Susan Margaret Dorothy Lisa Nancy Karen Betty Helen Sandra
Donna Carol Ruth Sharon Michelle Laura Sarah Kimberly Deborah Jessica Shirley Cynthia Angela Melissa Brenda Amy Anna
Rebecca Virginia Kathleen Pamela Martha Debra Amanda Stephanie Carolyn Christine Marie Janet Catherine Frances Ann
Joyce Diane Alice Julie Heather Teresa Doris Gloria Evelyn Jean Cheryl Mildred Katherine Joan Ashley Judith Rose
Janice Kelly Nicole Judy Christina Kathy Theresa Beverly Denise Tammy Irene Jane Lori Rachel Marilyn Andrea Kathryn
Louise Sara Anne Jacqueline Wanda Bonnie Julia Ruby Lois Tina Phyllis Norma Paula Diana Annie Lillian Emily Robin
Peggy Crystal Gladys Rita Dawn Connie Florence Tracy Edna Tiffany Carmen Rosa Cindy Grace Wendy Victoria Edith Kim
Sherry Sylvia Josephine Thelma Shannon Sheila Ethel Ellen Elaine Marjorie Carrie Charlotte Monica Esther Pauline
Emma Juanita Anita Rhonda Hazel Amber Eva Debbie April Leslie Clara Lucille Jamie Joanne Eleanor Valerie Danielle
Megan Alicia Suzanne Michele Gail Bertha Darlene Veronica Jill Erin Geraldine Lauren Cathy Joann Lorraine Lynn Sally
Regina Erica Beatrice Dolores Bernice Audrey Yvonne Annette June Samantha Marion Dana Stacy Ana Renee Ida Vivian
Roberta Holly Brittany Melanie Loretta Yolanda Jeanette Laurie Katie Kristen Vanessa Alma Sue Elsie Beth Jeanne
Madison Olivia Ava Sophia Isabella Mia Abigail Harper Guadalupe Lucia Ximena Sofia Valentina Camila
"""
)
FIRST_MALE = _words(
    """
James John Robert Michael William David Richard Charles Joseph Thomas Christopher Daniel Paul Mark Donald George
Kenneth Steven Edward Brian Ronald Anthony Kevin Jason Matthew Gary Timothy Jose Larry Jeffrey Frank Scott Eric
Stephen Andrew Raymond Gregory Joshua Jerry Dennis Walter Patrick Peter Harold Douglas Henry Carl Arthur Ryan Roger
Joe Juan Jack Albert Jonathan Justin Terry Gerald Keith Samuel Willie Ralph Lawrence Nicholas Roy Benjamin Bruce
Brandon Adam Harry Fred Wayne Billy Steve Louis Jeremy Aaron Randy Howard Eugene Carlos Russell Bobby Victor Martin
Ernest Phillip Todd Jesse Craig Alan Shawn Clarence Sean Philip Chris Johnny Earl Jimmy Antonio Danny Bryan Tony
Luis Mike Stanley Leonard Nathan Dale Manuel Rodney Curtis Norman Allen Marvin Vincent Glenn Jeffery Travis Jeff
Chad Jacob Lee Melvin Alfred Kyle Francis Bradley Jesus Herbert Frederick Ray Joel Edwin Don Eddie Ricky Troy
Randall Barry Alexander Bernard Mario Leroy Francisco Marcus Micheal Theodore Clifford Miguel Oscar Jay Jim Tom
Calvin Alex Jon Ronnie Bill Lloyd Tommy Leon Derek Warren Darrell Jerome Floyd Leo Alvin Tim Wesley Gordon Dean Greg
Jorge Dustin Pedro Derrick Dan Lewis Zachary Corey Herman Maurice Vernon Roberto Clyde Glen Hector Shane Ricardo Sam
Rick Lester Brent Ramon Charlie Tyler Gilbert Gene Liam Noah Elijah Mason Logan Lucas Wyatt Caleb Hunter Colton
Bryson Easton
"""
)
LAST = _words(
    """
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore White Harris Martin Thompson
Jackson Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell
Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Rogers Reed Cook Morgan Bell Murphy
Bailey Cooper Richardson Cox Howard Ward Peterson Gray James Watson Brooks Kelly Sanders Price Bennett Wood Barnes
Ross Henderson Coleman Jenkins Perry Powell Long Patterson Hughes Flores Washington Butler Simmons Foster Bryant
Alexander Russell Griffin Hayes Myers Ford Hamilton Graham Sullivan Wallace West Cole Jordan Reynolds Fisher Ellis
Harrison Gibson McDonald Cruz Marshall Owens Burns Gordon Shaw Holmes Rice Robertson Hunt Black Daniels Palmer Mills
Nichols Grant Knight Ferguson Stone Hawkins Dunn Perkins Hudson Spencer Gardner Stephens Payne Pierce Berry Matthews
Arnold Wagner Willis Ray Watkins Olson Carroll Duncan Snyder Hart Cunningham Bradley Lane Andrews Ruiz Harper Fox
Riley Armstrong Carpenter Weaver Greene Lawrence Elliott Chavez Sims Austin Peters Kelley Franklin Lawson Fields
Ryan Schmidt Carr Castillo Wheeler Chapman Oliver Montgomery Richards Williamson Johnston Banks Meyer Bishop McCoy
Howell Morrison Hansen Hatfield Caudill Combs Sizemore Napier Slone Hall Collins Gayheart Begley Couch Stamper Noble
Fugate Bowling Mullins Adkins Blevins Hensley Prater Jude Estep Hurley Osborne Ratliff Hatcher Keene Spears Tackett
Bentley Sturgill Garcia Martinez Rodriguez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Rivera Gomez Diaz
Reyes Morales Nguyen Tran Pham Mohamed Abdi Hussein Peña Muñoz Núñez
"""
)
STREETS = _words(
    """
Main Maple Oak Elm Walnut Chestnut Church Mill High Broadway Market Poplar Locust Cedar Hickory Limestone Bardstown
Nicholasville Tates Creek Harrodsburg Versailles Richmond Winchester Paris Leestown Georgetown
"""
)
SUFFIXES = ("St", "Ave", "Rd", "Pike", "Dr", "Ln", "Ct", "Way")


def _places() -> list[tuple[str, str, str]]:
    import zipcodes

    places = [
        (z["zip_code"], z["city"].title(), z["county"].removesuffix(" County"))
        for z in zipcodes.filter_by(state="KY")
        if z["zip_code_type"] == "STANDARD" and z["active"]
    ]
    return sorted(places)


def _birth(rng: random.Random, today: datetime.date, low: int, high: int) -> datetime.date:
    return today - datetime.timedelta(days=rng.randint(low * 365, high * 365 + 364))


def households(residents: int, seed: int, today: datetime.date | None = None) -> Iterator[list[dict]]:
    """Households of people (dicts in feed form without the household list) until
    ``residents`` people exist."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = today or datetime.date(2026, 11, 1)
    places = _places()
    made = 0
    household_number = 0
    while made < residents:
        household_number += 1
        zip_code, city, county = rng.choice(places)
        surname = rng.choice(LAST)
        address = {
            "line1": f"{rng.randint(100, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}",
            "line2": rng.choice(["", "", "", f"Apt {rng.randint(1, 40)}"]),
            "city": city,
            "state": "KY",
            "zip": zip_code,
            "county": county,
        }
        size = min(rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6]), residents - made)
        people = []
        adult_sex = rng.choice("FM")
        for index in range(size):
            if index == 0:
                sex, born, relationship = adult_sex, _birth(rng, today, 19, 85), "self"
            elif index == 1 and size > 2 and rng.random() < 0.6:
                sex, born, relationship = ("M" if adult_sex == "F" else "F"), _birth(rng, today, 19, 70), "spouse"
            else:
                sex, born, relationship = rng.choice("FM"), _birth(rng, today, 0, 18), "child"
            first = rng.choice(FIRST_FEMALE if sex == "F" else FIRST_MALE)
            last = surname if rng.random() < 0.9 else rng.choice(LAST)
            person = {
                "individual_id": f"KY{seed % 100:02d}{household_number:06d}{index}",
                "record_status": "active",
                "first_name": first,
                "middle_name": rng.choice(["", "", "A", "L", "M"]),
                "last_name": last,
                "suffix": "",
                "date_of_birth": born.isoformat(),
                "sex": sex,
                "language": "es" if last in {"Garcia", "Martinez", "Rodriguez", "Hernandez", "Lopez"} else "en",
                "household_id": f"H{seed % 100:02d}{household_number:06d}",
                "relationship": relationship,
                "email": "",
                "phone": "",
                "address": address,
                "cases": [],
            }
            if relationship != "child" and rng.random() < 0.7:
                person["email"] = f"{first}.{last}{rng.randint(1, 99)}@example.com".lower().replace(" ", "")
            if relationship != "child" and rng.random() < 0.85:
                person["phone"] = f"{rng.choice(['502', '606', '859', '270', '364'])}555{rng.randint(0, 9999):04d}"
            people.append(person)
        _add_cases(rng, people, today, household_number, seed)
        made += size
        yield people


def _add_cases(rng: random.Random, people: list[dict], today: datetime.date, household: int, seed: int) -> None:
    def case(program: str, number: str) -> dict:
        begin = today - datetime.timedelta(days=rng.randint(30, 2000))
        status = "active" if rng.random() < 0.85 else "approved"
        return {
            "program": program,
            "case_number": number,
            "status": status,
            "begin_date": begin.isoformat(),
            "end_date": None,
            "approved_date": (begin - datetime.timedelta(days=rng.randint(1, 30))).isoformat(),
        }

    base = f"{seed % 100:02d}{household:07d}"
    household_cases = []
    if rng.random() < 0.55:
        household_cases.append(case("SNAP", f"5{base}"))
    if any(p["relationship"] == "child" for p in people) and rng.random() < 0.15:
        household_cases.append(case("KTAP", f"7{base}"))
    if any(p["relationship"] == "child" for p in people) and rng.random() < 0.1:
        household_cases.append(case("CCAP", f"8{base}"))
    for index, person in enumerate(people):
        person["cases"] = [dict(c) for c in household_cases]
        if person["relationship"] == "child" and rng.random() < 0.4:
            person["cases"].append(case("KCHIP", f"4{base}{index}"))
        elif rng.random() < 0.6:
            person["cases"].append(case("MEDICAID", f"3{base}{index}"))
        if not person["cases"]:
            person["cases"].append(case("MEDICAID", f"3{base}{index}"))


def feed_records(residents: int, seed: int) -> Iterator[dict]:
    for people in households(residents, seed):
        for person in people:
            record = {k: v for k, v in person.items() if k != "relationship"}
            record["household_members"] = [
                {
                    "individual_id": other["individual_id"],
                    "first_name": other["first_name"],
                    "last_name": other["last_name"],
                    "date_of_birth": other["date_of_birth"],
                    "sex": other["sex"],
                    "relationship": other["relationship"] if person["relationship"] == "self" else "household member",
                }
                for other in people
                if other is not person
            ]
            yield record


def write_feed(path: Path, residents: int, seed: int) -> int:
    """The feed as a complete snapshot: every record, then the trailer line that
    says how many (docs/formats/eligibility-feed.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in feed_records(residents, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        handle.write(json.dumps({"trailer": {"record_count": count}}) + "\n")
    return count

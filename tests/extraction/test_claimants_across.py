"""Who said it, across sentences (issue 14, item 4): the speaker before or after the verb, a
role that leads to the name it describes, pronouns, roles, "cette source" and "l'observatoire"
pointing back, the headline's source, multi-word names whole, never a day, month or place."""

from __future__ import annotations

import pytest

from factcheck.extraction import extract

Found = list[tuple[str, str] | None]


def _claimants(body: str, language: str = "fr", headline: str = "") -> Found:
    return [
        (c.claimant.name, c.claimant.type) if c.claimant else None
        for c in extract(body, language, split_compound=False, headline=headline)
    ]


def test_a_role_after_the_verb_leads_to_the_name_and_il_points_back() -> None:
    body = (
        "Ce dernier a renoncé à recouvrer 95 millions d'euros, a indiqué au début du mois "
        "d'octobre le secrétaire général pour l'administration des Armées, Jean-Paul Bodin, "
        'devant les députés. "Nous sommes face à des indus de 573 millions d\'euros", '
        "a-t-il déclaré le 10 octobre."
    )
    assert _claimants(body) == [("Jean-Paul Bodin", "Person")] * 2


def test_a_role_without_a_name_is_the_person_named_before() -> None:
    body = (
        "Le référendum aura lieu le 4 octobre 2020, a indiqué mercredi la porte-parole du "
        'gouvernement Sibeth Ndiaye. La date "a été reportée compte tenu de la crise '
        'sanitaire", a expliqué la porte-parole.'
    )
    assert _claimants(body) == [("Sibeth Ndiaye", "Person")] * 2


def test_a_name_before_its_role_is_the_speaker() -> None:
    body = (
        "Sur Franceinfo, mercredi, Thierry Baril, le directeur des ressources humaines "
        "d'Airbus a annoncé qu'environ 1.500 postes pourraient être sauvés en France."
    )
    assert _claimants(body) == [("Thierry Baril", "Person")]


def test_cette_source_is_the_source_named_before() -> None:
    body = (
        "Une femme a été tuée jeudi à Cannes, selon une source policière. "
        "L'homme s'est présenté au commissariat de police, a précisé cette source."
    )
    assert _claimants(body) == [("source policière", "Organization")] * 2


def test_a_t_on_appris_names_the_source() -> None:
    body = (
        "Trois femmes ont été tuées depuis mardi, a-t-on appris de sources policières. "
        "Déjà connu de la justice, il est en garde à vue, a-t-on appris jeudi auprès du "
        "parquet d'Amiens."
    )
    assert _claimants(body) == [
        ("sources policières", "Organization"),
        ("parquet d'Amiens", "Organization"),
    ]


def test_an_opening_anaphor_takes_the_headlines_source() -> None:
    headline = "Budget 2020 : niveau de vie amputé pour les 15% les plus modestes, selon l'OFCE"
    body = "Les 5% de ménages les plus modestes perdront 45 euros par an, selon l'observatoire."
    assert _claimants(body, headline=headline) == [("OFCE", "Organization")]
    # Without the headline there is nothing to point back to: no guess.
    assert _claimants(body) == [None]


def test_le_ministere_keeps_the_whole_name_named_before() -> None:
    body = (
        "Le ministère des Armées a annoncé 400 millions d'euros de remboursements. "
        "Selon le ministère, 95 millions ne seront pas recouvrés."
    )
    assert _claimants(body) == [("ministère des Armées", "Organization")] * 2


def test_the_author_of_a_study_and_les_chercheurs() -> None:
    body = (
        "Réalisée par l'Imperial College de Londres, cette étude analyse 11 pays. "
        "Les chercheurs concluent que le taux de reproduction a baissé de 82%."
    )
    found = _claimants(body)
    assert found[0] is not None and found[0][0].startswith("Imperial College")
    assert found[0][1] == "Organization" and found[1] == found[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("En Russie, la ville de Moscou, confrontée à un nouvel essor des contaminations, a "
         "demandé vendredi aux seniors de se confiner.", ("ville de Moscou", "Organization")),
        ("Le parquet de Rennes a indiqué fin août que 32% des justiciables avaient réglé leur "
         "amende.", ("parquet de Rennes", "Organization")),
        ("Jeudi, le gouvernement israélien a annoncé de nouvelles restrictions sur 12 vols.",
         ("gouvernement israélien", "Organization")),
    ],
)  # fmt: skip
def test_days_and_places_are_never_the_speaker(body: str, expected: tuple[str, str]) -> None:
    assert _claimants(body) == [expected]


def test_identifiers_participles_and_asides_are_never_speakers() -> None:
    body = (
        "Une autre étude menée par l'université de Berkeley (Etats-Unis), publiée lundi dans "
        "Nature, estime que 530 millions d'infections par le Covid-19 ont été évitées."
    )
    (found,) = _claimants(body)
    assert found is not None and found[0].lower() == "université de berkeley"


def test_english_days_and_names_of_bodies_across_sentences() -> None:
    body = (
        "On Tuesday the Department for Environment, Food and Rural Affairs said that "
        "Northvale Water lost 1.8 million litres a day. "
        "The department said fines rose to £48 million."
    )
    defra = ("Department for Environment, Food and Rural Affairs", "Organization")
    assert _claimants(body, "en") == [defra, defra]


def test_a_closing_selon_is_the_outer_attribution() -> None:
    body = (
        "Le conjoint, qui a été placé en garde à vue, a déclaré à la police avoir eu "
        '"une espèce de coup de folie", selon une source policière.'
    )
    assert _claimants(body) == [("source policière", "Organization")]


def test_the_author_of_a_study_beats_the_outlet_that_reports_it() -> None:
    body = (
        "Le Parisien dévoile samedi 30 juin une étude de l'Observatoire national "
        "interministériel de la sécurité routière selon laquelle 23.000 vies ont été sauvées."
    )
    (found,) = _claimants(body)
    assert found is not None and found[0].startswith("Observatoire national interministériel")


def test_a_body_as_subject_speaks_for_its_acts_and_ends_the_carry_over() -> None:
    body = (
        "Le maire de Londres Sadiq Khan a annoncé 12 mesures. "
        "La région de Madrid, épicentre de la pandémie en Espagne, s'apprête à étendre les "
        "restrictions à 167.000 habitants."
    )
    assert _claimants(body) == [
        ("Sadiq Khan", "Person"),
        ("région de Madrid", "Organization"),
    ]


def test_a_list_of_places_is_never_the_speaker() -> None:
    body = (
        "Madrid, Moscou, le Pays de Galles ou encore Israël ont annoncé vendredi de nouvelles "
        "mesures sanitaires contre 2 millions de cas."
    )
    assert _claimants(body) == [None]


def test_a_conjunction_and_selon_lui_do_not_hide_the_speaker() -> None:
    body = (
        "La présence américaine a pris une nouvelle importance, mais Donald Trump a justifié "
        "sa décision par le fait que Berlin ne contribuait selon lui pas assez au budget de "
        "l'Otan, avec 2 % de son PIB. "
        '"Ils doivent des milliards de dollars à l\'Otan", a-t-il dit.'
    )
    assert _claimants(body) == [("Donald Trump", "Person")] * 2

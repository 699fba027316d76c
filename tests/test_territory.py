"""Sites' départements and régions from their commune's INSEE code (the official tables shipped with the code)."""

from inclusion.sites import territory


def test_a_commune_falls_in_its_departement_and_region():
    """Arras is in the Pas-de-Calais, in Hauts-de-France; Ajaccio in Corse-du-Sud; Saint-Denis (La Réunion) overseas."""
    assert territory.place_of("62041") == ("62", "32")
    assert territory.place_of("2a004") == ("2A", "94")
    assert territory.place_of("97411") == ("974", "04")
    assert territory.region_name("32") == "Hauts-de-France"
    assert territory.departement_name("62") == "Pas-de-Calais (62)"


def test_the_shipped_table_holds_every_current_commune():
    """About 35,000 communes and arrondissements, 101 départements in 18 régions (plus the overseas collectivities)."""
    assert len(territory.communes()) > 34_000
    assert territory.commune_name("75101") == "Paris 1er Arrondissement"
    regions_of_departements = {region for _, region in territory.departements().values()}
    assert {"11", "32", "94", "01", "06"} <= regions_of_departements


def test_a_code_outside_the_table_uses_its_prefix_and_nonsense_falls_nowhere():
    """A code the table lacks still names its département; an empty or malformed code names none."""
    assert territory.place_of("62999") == ("62", "32")
    assert territory.place_of("") == (territory.UNKNOWN, territory.UNKNOWN)
    assert territory.place_of("00000") == (territory.UNKNOWN, territory.UNKNOWN)
    assert territory.region_name(territory.UNKNOWN) == territory.UNKNOWN_NAME

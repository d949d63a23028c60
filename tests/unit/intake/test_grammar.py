"""Grammar units: one construction per test, whole values compared."""

from __future__ import annotations

from truce.intake.narrative.grammar import Position, Weapon, analyse, compass, count_value
from truce.intake.narrative.sentences import split


def _ev(text):
    c = analyse(text)
    return [(e.kind, e.detail, e.count, e.uncertain, e.direction, e.distance_km) for e in c.events]


def test_counts_in_digits_words_and_uncertain():
    assert [count_value(t) for t in ("a", "two", "twenty-three", "1,200", "about 40", "several",
                                     "at least 10", "an undetermined number of")] == [
        (1, False), (2, False), (23, False), (1200, False), (40, True), (None, True), (10, True),
        (None, True)]


def test_compass_words_and_abbreviations():
    assert [compass(t) for t in ("north-north-east", "NNE", "north east", "south-western",
                                 "nne", "W")] == ["NNE", "NNE", "NE", "SW", None, "W"]


def test_positioned_in_with_control_and_aside():
    c = analyse("Positioned in government-controlled Avdiivka (17km north of Donetsk), the SMM "
                "heard 12 undetermined explosions 3–5km north-east.")
    assert c.position == Position("in", "Avdiivka", 0.0, None, None, "government",
                                  (17.0, "N", "Donetsk"), (11, 68))
    assert c.heard_only is True
    assert _ev("the SMM heard 12 undetermined explosions 3–5km north-east.") == [
        ("explosion", "undetermined", 12, False, "NE", (3.0, 5.0))]


def test_positioned_offset_of_place():
    c = analyse("Positioned 2 km south-west of Avdiivka, the team heard an explosion.")
    assert (c.position.mode, c.position.place, c.position.offset_km, c.position.compass) == (
        "offset", "Avdiivka", 2.0, "SW")


def test_non_government_controlled_and_near():
    c = analyse("Positioned near non-government-controlled Horlivka, the SMM saw a flare.")
    assert (c.position.mode, c.position.place, c.position.control) == ("near", "Horlivka",
                                                                      "non_government")


def test_camera_in_place_and_projectile_trajectory():
    c = analyse("The SMM camera in Shyrokyne recorded four projectiles in flight from west to east.")
    assert c.source == "camera"
    assert c.position.place == "Shyrokyne"
    assert [(e.kind, e.count, e.trajectory, e.direction) for e in c.events] == [
        ("projectile", 4, ("W", "E"), None)]


def test_pronoun_carry_over_has_no_position():
    c = analyse("It also heard two bursts of heavy-machine-gun fire about 2 km south.")
    assert c.position is None
    assert _ev("It also heard two bursts of heavy-machine-gun fire about 2 km south.") == [
        ("burst", "heavy_machine_gun", 2, False, "S", 2.0)]


def test_several_kinds_in_one_sentence_share_direction():
    assert _ev("The SMM heard 5 explosions and 20 bursts 2-3 km south-east.") == [
        ("explosion", "undetermined", 5, False, "SE", (2.0, 3.0)),
        ("burst", None, 20, False, "SE", (2.0, 3.0))]


def test_explosion_details():
    assert _ev("It heard two impacts, an airburst, three explosions assessed as outgoing fire and "
               "an explosion assessed as an impact.") == [
        ("explosion", "impact", 2, False, None, None),
        ("explosion", "airburst", 1, False, None, None),
        ("explosion", "outgoing", 3, False, None, None),
        ("explosion", "impact", 1, False, None, None)]


def test_unknown_distance_and_abbreviated_direction():
    assert _ev("It heard 3 shots of small-arms fire at an unknown distance NNE.") == [
        ("shot", "small_arms", 3, False, "NNE", None)]


def test_uncertain_counts_marked():
    assert _ev("It heard several undetermined explosions and at least 10 bursts of small-arms fire.") == [
        ("explosion", "undetermined", None, True, None, None),
        ("burst", "small_arms", 10, True, None, None)]


def test_weapon_sightings_mapped_to_classes():
    cases = {
        "the SMM saw two self-propelled howitzers (2S1 Gvozdika, 122mm) near Yasynuvata.":
            (2, Weapon("artillery_ge100", "2S1 Gvozdika", 122)),
        "the SMM saw a BM-21 Grad near Horlivka.": (1, Weapon("mlrs", "BM-21 Grad", 122)),
        "the SMM saw three T-72 tanks near Horlivka.": (3, Weapon("tank", "T-72", None)),
        "the SMM saw four 120mm mortars near Horlivka.": (4, Weapon("mortar", None, 120)),
        "the SMM saw two towed howitzers (152mm) near Horlivka.":
            (2, Weapon("artillery_ge100", None, 152)),
    }
    for text, (n, w) in cases.items():
        c = analyse(text)
        assert [(e.kind, e.count, e.weapon, e.location.place) for e in c.events] == [
            ("weapon", n, w, text.split(" near ")[1].rstrip("."))]


def test_sentence_split_keeps_abbreviations_and_asides():
    d = split("Title, 8 December 2024\n\nPositioned approx. 2 km north of Avdiivka (e.g. near the "
              "road), the SMM heard an explosion about 2 km. It also heard a shot.\n")
    assert [s.text for s in d.sentences] == [
        ("Positioned approx. 2 km north of Avdiivka (e.g. near the road), the SMM heard an "
         "explosion about 2 km."), "It also heard a shot."]
    assert d.headings == ("Title, 8 December 2024",)

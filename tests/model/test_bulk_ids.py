"""`new_ids` hands out, for many new nodes at once, the very ids that as many `new_id` calls
give (a paste of 5,000 nodes made 5,000 calls), and leaves the counters where they leave them."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from rnnstudio.model import Network

_TAKEN = ["h0", "h1", "h3", "h4", "h9", "x0", "x2", "y1", "n0", "n2", "h07", "y01"]


@st.composite
def nets_and_kinds(draw) -> tuple:
    net = Network()
    for node in draw(st.lists(st.sampled_from(_TAKEN), unique=True)):
        net.add_node(node, "input" if node[0] == "x" else "neuron")
    net.set_id_state({p: draw(st.integers(0, 6)) for p in draw(st.lists(
        st.sampled_from("hxyn"), unique=True))})
    kinds = draw(st.lists(st.sampled_from(["neuron", "input", "output", "group", "?"]),
                          max_size=12))
    return net, kinds


@settings(max_examples=300, deadline=None)
@given(nets_and_kinds())
def test_new_ids_are_the_ids_new_id_hands_out_one_by_one(case):
    net, kinds = case
    state = net.id_state()
    one_by_one = [net.new_id(kind) for kind in kinds]
    after = net.id_state()
    net.set_id_state(state)
    assert net.new_ids(kinds) == one_by_one
    assert net.id_state() == after

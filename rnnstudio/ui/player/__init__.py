"""Step-through: play a sequence into the network and watch values flow, step by step and back."""

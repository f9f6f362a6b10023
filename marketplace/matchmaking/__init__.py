"""Matchmaking: sourcing requests (RFQs) and quotations, ranked supplier matches with reasons, and meetings."""

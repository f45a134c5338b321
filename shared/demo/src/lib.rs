//! A realistic demo firm, generated deterministically from a seed.

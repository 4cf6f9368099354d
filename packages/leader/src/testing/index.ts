// In-memory clock and network for tests of membership; filled in by the membership commit.
export {};

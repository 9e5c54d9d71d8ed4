"""The GE2E speaker encoder of Resemblyzer 0.1.4, run in numpy (no torch): `weights` reads the wheel's
`pretrained.pt`, `mel` makes the encoder's input, `encoder` runs the LSTM. See NOTICE.md for the licence."""

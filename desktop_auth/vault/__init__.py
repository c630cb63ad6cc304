"""The recovery-code vault, on the workstation: sealing, slots and the employee's entries.

Everything here runs where the employee sits (DESIGN.md: "vault decryption (PRF)
happens HERE"): the store and the sign-in server keep only what ``crypto`` made —
ciphertext and wrapped vault keys — through ``AuthService.vault``.
"""

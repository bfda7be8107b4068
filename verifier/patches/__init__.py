"""Every change kyso makes to the behaviour of pyHanko, pyhanko-certvalidator and asn1crypto, installed by one explicit call (install()) that checks the versions they were written for."""

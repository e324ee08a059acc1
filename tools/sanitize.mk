# Used as R_MAKEVARS_USER by `make check-memory`: builds lagrs's C code with
# AddressSanitizer and UndefinedBehaviorSanitizer.
CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS = -fsanitize=address,undefined

/* CRC-32 (IEEE 802.3, as zlib and `cksum -a crc32b` give it), table built at first use. */
#include <stddef.h>
#include <stdint.h>

static uint32_t crc32_table[256];

static void crc32_init_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc32_table[i] = c;
  }
}

/* Start with crc = 0; feed pieces in order. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

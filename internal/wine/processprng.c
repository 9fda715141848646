/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Go programs under wine 8.
 *
 * The Go runtime (1.24 and later) loads ProcessPrng from bcryptprimitives.dll, from
 * system32 only, when a program starts, and aborts if it is missing. Wine 8.0 (Debian 12's)
 * has no such DLL; wine 9 and later ship the real one, and then this file is unnecessary.
 * ProcessPrng fills a buffer with cryptographically random bytes and always returns TRUE;
 * RtlGenRandom (advapi32's SystemFunction036) does the same in chunks of at most 4 GiB.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x80000000u ? 0x80000000u : (ULONG)len;
		if (!SystemFunction036(data, n)) {
			/* Windows' ProcessPrng cannot fail; nor may a caller see unfilled bytes. */
			ExitProcess(3);
		}
		data += n;
		len -= n;
	}
	return TRUE;
}

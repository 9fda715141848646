module github.com/jitffi/jitffi/gen

go 1.24.0

require (
	github.com/jitffi/jitffi v0.0.0
	modernc.org/cc/v4 v4.27.1
	modernc.org/token v1.1.0
)

require (
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/twitchyliquid64/golang-asm v0.15.1 // indirect
	golang.org/x/arch v0.24.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/opt v0.1.4 // indirect
	modernc.org/sortutil v1.2.1 // indirect
	modernc.org/strutil v1.2.1 // indirect
)

replace github.com/jitffi/jitffi => ../

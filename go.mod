module github.com/jitffi/jitffi

go 1.24.0

require (
	github.com/twitchyliquid64/golang-asm v0.15.1
	golang.org/x/arch v0.24.0
	golang.org/x/sys v0.41.0
)

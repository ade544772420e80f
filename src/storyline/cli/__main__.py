from storyline.cli.app import main

main()

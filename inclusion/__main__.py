from inclusion.cli import main

main()

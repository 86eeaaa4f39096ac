from finder.cli import main

main()

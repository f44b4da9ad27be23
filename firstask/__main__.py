from firstask.cli import main

main()
